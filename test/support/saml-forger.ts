import { randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { newServiceProviderKeyPair } from '../../shared/sso/saml/certificates';

/**
 * samlify's declarations import @xmldom/xmldom's, which pull TypeScript's DOM library into the
 * whole program; loaded by a name TypeScript does not resolve, only the few calls below are typed.
 */
interface Samlify {
  setSchemaValidator(validator: { validate: (xml: string) => Promise<string> }): void;
  IdentityProvider(settings: Record<string, unknown>): {
    createLoginResponse(sp: unknown, request: unknown, binding: 'post', user: Record<string, string>, replace: (template: string) => { id: string; context: string }): Promise<{ context: string }>;
  };
  ServiceProvider(settings: Record<string, unknown>): unknown;
}
const SAMLIFY = 'samlify';
const samlify = (await import(SAMLIFY)) as Samlify;

/**
 * samlify as an IdP we control, used only to make answers, genuine and hostile: the response
 * XML is written here field by field (so any field can lie), samlify signs the assertion (and
 * the message when asked) with the IdP's key and encrypts for the SP's certificate. Gatehouse
 * never uses samlify to validate anything.
 */
samlify.setSchemaValidator({ validate: async () => 'skipped by the forger: it only writes answers' });

const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';

export interface KeyPair {
  certificate: string;
  privateKey: string;
}

export const newKeyPair = (name: string): KeyPair => newServiceProviderKeyPair(name, new Date());

export interface Forgery {
  inResponseTo?: string;
  destination: string;
  recipient?: string;
  audience: string;
  issuer: string;
  assertionIssuer?: string;
  nameId: string;
  attributes?: Record<string, string[]>;
  now?: Date;
  issueInstant?: Date;
  notBefore?: Date;
  notOnOrAfter?: Date;
  confirmationNotOnOrAfter?: Date;
  assertionId?: string;
  status?: string;
  /** The key that signs (default the IdP's trusted key). */
  signWith?: KeyPair;
  signMessage?: boolean;
  sha1?: boolean;
  /** Encrypt the assertion for this SP certificate. */
  encryptFor?: string;
}

const esc = (value: string) => value.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char]!);
export const samlId = () => `_${randomBytes(16).toString('hex')}`;

export function responseXml(forgery: Forgery, ids: { response: string; assertion: string }): string {
  const now = forgery.now ?? new Date();
  const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const later = new Date(now.getTime() + 5 * 60_000);
  const inResponseTo = forgery.inResponseTo ? ` InResponseTo="${esc(forgery.inResponseTo)}"` : '';
  const attributes = Object.entries(forgery.attributes ?? {})
    .map(([name, values]) => `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${values.map((value) => `<saml:AttributeValue xsi:type="xs:string">${esc(value)}</saml:AttributeValue>`).join('')}</saml:Attribute>`)
    .join('');
  return `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${ids.response}" Version="2.0" IssueInstant="${iso(now)}" Destination="${esc(forgery.destination)}"${inResponseTo}>`
    + `<saml:Issuer>${esc(forgery.issuer)}</saml:Issuer>`
    + `<samlp:Status><samlp:StatusCode Value="${forgery.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success'}"/></samlp:Status>`
    + `<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="${ids.assertion}" Version="2.0" IssueInstant="${iso(forgery.issueInstant ?? now)}">`
    + `<saml:Issuer>${esc(forgery.assertionIssuer ?? forgery.issuer)}</saml:Issuer>`
    + `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${esc(forgery.nameId)}</saml:NameID>`
    + `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(forgery.confirmationNotOnOrAfter ?? later)}" Recipient="${esc(forgery.recipient ?? forgery.destination)}"${inResponseTo}/></saml:SubjectConfirmation></saml:Subject>`
    + `<saml:Conditions NotBefore="${iso(forgery.notBefore ?? new Date(now.getTime() - 30_000))}" NotOnOrAfter="${iso(forgery.notOnOrAfter ?? later)}"><saml:AudienceRestriction><saml:Audience>${esc(forgery.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>`
    + `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${ids.assertion}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`
    + (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '')
    + `</saml:Assertion></samlp:Response>`;
}

/** A signed (and, when asked, encrypted) SAMLResponse, base64 as the HTTP-POST binding carries it. */
export async function forge(idp: { entityId: string; keys: KeyPair }, forgery: Forgery): Promise<string> {
  const signer = forgery.signWith ?? idp.keys;
  const ids = { response: samlId(), assertion: forgery.assertionId ?? samlId() };
  const identityProvider = samlify.IdentityProvider({
    entityID: idp.entityId,
    privateKey: signer.privateKey,
    signingCert: signer.certificate,
    isAssertionEncrypted: Boolean(forgery.encryptFor),
    ...(forgery.sha1 ? { requestSignatureAlgorithm: RSA_SHA1 } : {}),
    singleSignOnService: [{ Binding: REDIRECT, Location: 'http://127.0.0.1:9/sso' }],
    singleLogoutService: [{ Binding: REDIRECT, Location: 'http://127.0.0.1:9/slo' }],
  });
  const serviceProvider = samlify.ServiceProvider({
    entityID: forgery.audience,
    assertionConsumerService: [{ Binding: POST, Location: forgery.destination }],
    wantAssertionsSigned: true,
    wantMessageSigned: Boolean(forgery.signMessage),
    ...(forgery.encryptFor ? { encryptCert: forgery.encryptFor } : {}),
  });
  const { context } = await identityProvider.createLoginResponse(serviceProvider, { extract: { request: { id: forgery.inResponseTo ?? '' } } }, 'post', { email: forgery.nameId }, () => ({
    id: ids.response,
    context: responseXml(forgery, ids),
  }));
  return context as string;
}

export const decode = (response: string) => Buffer.from(response, 'base64').toString('utf8');
export const encode = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

/** The AuthnRequest a redirect URL carries (HTTP-Redirect binding: deflated, base64, URL-encoded). */
export function authnRequestOf(redirectTo: string): { id: string; xml: string; url: URL } {
  const url = new URL(redirectTo);
  const xml = inflateRawSync(Buffer.from(url.searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
  const id = /\bID="([^"]+)"/.exec(xml)![1]!;
  return { id, xml, url };
}
