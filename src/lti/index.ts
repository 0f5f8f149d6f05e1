export { jwksRoute } from './jwks';
