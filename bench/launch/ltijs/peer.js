/**
 * ltijs 5.9 as the benchmark's peer: the same LTI 1.3 launch Shixun handles, served by ltijs with
 * its own express 4 and mongoose 7 (which is why it lives in this folder, never in the app).
 * Started by ../run.ts with BENCH_* variables; prints "ready" once it listens.
 */
const { Provider: lti } = require('ltijs');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

async function main() {
  const platform = JSON.parse(env('BENCH_PLATFORM'));
  lti.setup(
    env('BENCH_LTIJS_KEY'),
    { url: env('BENCH_MONGODB_URL') },
    // Shixun's paths, so the test platform sends the same requests to both tools.
    { appRoute: '/lti/launch', loginRoute: '/lti/login', keysetRoute: '/lti/jwks', cookies: { secure: false, sameSite: 'Lax' }, tokenMaxAge: 60 },
  );
  // The launch ends like Shixun's: a session exists and the browser is sent on.
  lti.onConnect((_token, _req, res) => res.status(200).send('ok'));
  await lti.deploy({ port: Number(env('BENCH_PORT')), silent: true });
  await lti.registerPlatform({
    url: platform.issuer,
    name: 'bench platform',
    clientId: platform.clientId,
    authenticationEndpoint: platform.authUrl,
    accesstokenEndpoint: platform.tokenUrl,
    authConfig: { method: 'JWK_SET', key: platform.jwksUrl },
  });
  process.stdout.write('ready\n');
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
  process.exit(1);
});
