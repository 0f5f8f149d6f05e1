export { createSecretBox, type SecretBox } from './secret-box';
export { createKeyring, type Keyring, type SigningKey, type PublishedKeySet } from './keyring';
export { SigningKeyModel } from './store';
