/** Every public address of the credential side, from the tool's public URL (no trailing slash). */
export const issuerProfileUrl = (baseUrl: string) => `${baseUrl}/credentials/issuer`;
export const credentialUrl = (baseUrl: string, verificationCode: string) => `${baseUrl}/credentials/${encodeURIComponent(verificationCode)}`;
export const statusListUrl = (baseUrl: string, statusList: number) => `${baseUrl}/credentials/status/${statusList}`;
export const jwksUrl = (baseUrl: string) => `${baseUrl}/lti/jwks`;
