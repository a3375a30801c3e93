// Verifies a token the way a client in another language would, knowing only the issuer and its own audience:
// OpenID Connect discovery, then the JWKS the document names. Prints the verified claims as JSON, or the
// refusal's jose error code on standard error with exit code 1.
// Usage: node verify.mjs ISSUER AUDIENCE TOKEN
import { createRemoteJWKSet, jwtVerify } from "jose";

const [issuer, audience, token] = process.argv.slice(2);
if (!token) {
  console.error("usage: node verify.mjs ISSUER AUDIENCE TOKEN");
  process.exit(2);
}

async function metadata(name) {
  const response = await fetch(`${issuer.replace(/\/$/, "")}/.well-known/${name}`);
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  const document = await response.json();
  if (document.issuer !== issuer) throw new Error(`${name} names the issuer ${document.issuer}`);
  return document;
}

const openid = await metadata("openid-configuration");
const oauth = await metadata("oauth-authorization-server");
if (JSON.stringify(openid) !== JSON.stringify(oauth)) throw new Error("the two metadata documents differ");

const keys = createRemoteJWKSet(new URL(openid.jwks_uri));
try {
  const { payload, protectedHeader } = await jwtVerify(token, keys, {
    issuer,
    audience,
    algorithms: openid.access_token_signing_alg_values_supported,
    requiredClaims: ["exp", "iat", "jti", "sub"],
  });
  console.log(JSON.stringify({ header: protectedHeader, claims: payload }));
} catch (error) {
  console.error(error.code ?? error.message);
  process.exit(1);
}
