import { SAML } from '@node-saml/node-saml';

/**
 * The AuthnRequest over HTTP-Redirect (shared/api/sso.md "The AuthnRequest"), built by node-saml:
 * Issuer = the connection's SP entity ID, the ACS URL with HTTP-POST, NameIDPolicy unspecified
 * with AllowCreate, and with `signRequests` a detached RSA-SHA256 signature per SAML Bindings
 * §3.4.4.1. The request id is ours (the caller stores it), so node-saml's cache is not used.
 */
export async function authnRequestUrl(input: {
  requestId: string;
  relayState: string;
  ssoUrl: string;
  spEntityId: string;
  acsUrl: string;
  certificates: string[];
  /** The connection's private key when requests are signed. */
  signingKey?: string;
}): Promise<string> {
  const saml = new SAML({
    idpCert: input.certificates,
    issuer: input.spEntityId,
    callbackUrl: input.acsUrl,
    entryPoint: input.ssoUrl,
    identifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
    allowCreate: true,
    disableRequestedAuthnContext: true,
    generateUniqueId: () => input.requestId,
    cacheProvider: { saveAsync: async () => null, getAsync: async () => null, removeAsync: async () => null },
    ...(input.signingKey ? { privateKey: input.signingKey, signatureAlgorithm: 'sha256' as const } : {}),
  });
  return saml.getAuthorizeUrlAsync(input.relayState, undefined, {});
}
