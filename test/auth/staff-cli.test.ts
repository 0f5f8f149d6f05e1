import { verifyStaffSignIn } from '../../src/auth';
import { upsertSchool } from '../../src/users';
import { shixunOn } from '../support/cli';
import { useTestDatabase } from '../support/database';

const database = useTestDatabase();
const shixun = shixunOn(database);

describe('shixun users add-staff / set-password', () => {
  it('creates a registrar with a password from stdin', async () => {
    await upsertSchool({ code: 'xhl', name: '新华路小学' });
    const created = shixun(['users', 'add-staff', '--username', 'Zhou', '--name', '周老师', '--role', 'registrar', '--school', 'xhl', '--password-stdin'], 'a password from stdin\n');
    expect(created.stderr).toContain('staff account zhou (registrar, xhl) created for 周老师');
    expect(created.code).toBe(0);
    expect(created.stdout).toBe('');
    expect(await verifyStaffSignIn('zhou', 'a password from stdin')).toMatchObject({ roles: ['registrar'], scopeSchoolCodes: ['xhl'] });
  });

  it('prints a generated password once, and set-password replaces it', async () => {
    const created = shixun(['users', 'add-staff', '--username', 'wu', '--name', '吴老师', '--role', 'trainer']);
    expect(created.code).toBe(0);
    const generated = created.stdout.trim();
    expect(generated).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(await verifyStaffSignIn('wu', generated)).toBeDefined();

    const changed = shixun(['users', 'set-password', '--username', 'wu']);
    expect(changed.code).toBe(0);
    const replacement = changed.stdout.trim();
    expect(replacement).not.toBe(generated);
    expect(await verifyStaffSignIn('wu', generated)).toBeUndefined();
    expect(await verifyStaffSignIn('wu', replacement)).toBeDefined();
  });

  it('explains bad options and refusals', () => {
    expect(shixun(['users', 'add-staff', '--username', 'x1', '--name', 'X', '--role', 'learner']).code).toBe(2);
    const noSchool = shixun(['users', 'add-staff', '--username', 'x2', '--name', 'X', '--role', 'registrar', '--school', 'nope']);
    expect(noSchool.code).toBe(1);
    expect(noSchool.stderr).toContain('no school has the code nope');
    const taken = shixun(['users', 'add-staff', '--username', 'ZHOU', '--name', 'X', '--role', 'admin']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('already taken');
    const shortPassword = shixun(['users', 'set-password', '--username', 'zhou', '--password-stdin'], 'short\n');
    expect(shortPassword.code).toBe(1);
    expect(shortPassword.stderr).toContain('the password must be 12–200 characters');
    expect(shixun(['users', 'set-password', '--username', 'ghost']).code).toBe(1);
    expect(shixun(['users', 'set-password']).code).toBe(2);
  });
});
