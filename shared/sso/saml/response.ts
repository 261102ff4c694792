import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { decryptXml } from './xml-libraries.js';
import { NS, XmlRefused, type XmlDocument, type XmlNode, child, children, descendants, parseUntrustedXml, text } from './xml';

/** The IdP's answers are refused above this size, before any parsing (shared/api/sso.md "Limits"). */
export const MAX_RESPONSE_BYTES = 256 * 1024;
/** How far the IdP's clock may differ from ours. */
export const CLOCK_SKEW_MS = 3 * 60_000;
/** An unsolicited (IdP-initiated) answer older than this is refused. */
export const IDP_INITIATED_MAX_AGE_MS = 5 * 60_000;

const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
/** RSA-SHA256 or stronger, with SHA-256 or stronger digests: SHA-1 is refused wherever it appears. */
const SIGNATURE_ALGORITHMS = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
]);
const DIGEST_ALGORITHMS = new Set([
  'http://www.w3.org/2001/04/xmlenc#sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512',
]);

/** Why an answer was refused: `sso_denied` when the IdP said no, `sso_failed` for every failed check. */
export class SamlRefused extends Error {
  constructor(
    readonly code: 'sso_failed' | 'sso_denied',
    readonly reason: string,
  ) {
    super(reason);
  }
}

const fail = (reason: string) => new SamlRefused('sso_failed', reason);

export interface ConnectionTrust {
  idpEntityId: string;
  certificates: string[];
  spEntityId: string;
  acsUrl: string;
  /** The connection's own private key (PEM), for encrypted assertions. */
  decryptionKey: string;
}

export interface ValidatedAssertion {
  assertionId: string;
  /** Until when the assertion id must be remembered (epoch seconds). */
  rememberUntil: number;
  /** The request this answers; absent for an IdP-initiated answer. */
  inResponseTo?: string;
  issueInstant: number;
  nameId: string;
  attributes: Record<string, string[]>;
}

const instant = (value: string | null | undefined, what: string): number => {
  const ms = value ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms) || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value ?? '')) throw fail(`${what} is not a UTC time.`);
  return ms;
};

function checkAlgorithms(root: XmlDocument | XmlNode): void {
  for (const signature of descendants(root, NS.ds, 'Signature')) {
    const method = descendants(signature, NS.ds, 'SignatureMethod')[0]?.getAttribute('Algorithm') ?? '';
    if (!SIGNATURE_ALGORITHMS.has(method)) throw fail(`The signature algorithm ${method || '(none)'} is not accepted: RSA-SHA256 or stronger.`);
    for (const digest of descendants(signature, NS.ds, 'DigestMethod')) {
      const algorithm = digest.getAttribute('Algorithm') ?? '';
      if (!DIGEST_ALGORITHMS.has(algorithm)) throw fail(`The digest algorithm ${algorithm || '(none)'} is not accepted: SHA-256 or stronger.`);
    }
  }
}

/**
 * Judges an HTTP-POST SAMLResponse for one connection (shared/api/sso.md "What the ACS checks").
 * node-saml verifies the signatures (a pinned certificate of this connection, exactly one signed
 * reference) and hands back the signed assertion; everything read afterwards is read from that
 * node only. What node-saml leaves out is done here: size and DTD before parsing, one assertion
 * in the whole document, algorithms, Destination, both Issuers, Recipient, the time window with
 * our own clock, InResponseTo agreement and the audience. Whether InResponseTo names a pending
 * request and whether the assertion id was seen are the caller's, after this passed, so a forgery
 * never uses up anything.
 */
export async function validateSamlResponse(encoded: string, trust: ConnectionTrust, nowMs: number): Promise<ValidatedAssertion> {
  if (encoded.length > Math.ceil((MAX_RESPONSE_BYTES * 4) / 3) + 4) throw fail('The answer is larger than 256 KiB.');
  if (!/^[A-Za-z0-9+/=\r\n]+$/.test(encoded)) throw fail('The answer is not base64.');
  const xml = Buffer.from(encoded, 'base64').toString('utf8');
  if (Buffer.byteLength(xml) > MAX_RESPONSE_BYTES) throw fail('The answer is larger than 256 KiB.');

  let doc: XmlDocument;
  try {
    doc = parseUntrustedXml(xml);
  } catch (error) {
    throw fail(error instanceof XmlRefused ? `The answer was refused: ${error.message}.` : 'The answer is not XML.');
  }
  const response = doc.documentElement;
  if (response.localName !== 'Response' || response.namespaceURI !== NS.samlp) throw fail('The answer is not a SAML Response.');

  const statusCode = child(child(response, NS.samlp, 'Status') ?? response, NS.samlp, 'StatusCode')?.getAttribute('Value');
  if (statusCode !== SUCCESS) throw new SamlRefused('sso_denied', `The identity provider answered ${statusCode?.split(':').pop() ?? 'without a status'}.`);

  // Wrapping attacks hide a second assertion anywhere (Extensions, Advice, Object): one in all, as a child of the Response.
  const plain = descendants(doc, NS.saml, 'Assertion');
  const encrypted = descendants(doc, NS.saml, 'EncryptedAssertion');
  if (plain.length + encrypted.length !== 1) throw fail(`The answer must hold exactly one assertion (it holds ${plain.length + encrypted.length}).`);
  const only = plain[0] ?? encrypted[0]!;
  if (only.parentNode !== response) throw fail('The assertion is not where a Response carries it.');

  if (response.getAttribute('Destination') !== trust.acsUrl) throw fail('The answer was sent to another address (Destination).');
  const responseIssuer = child(response, NS.saml, 'Issuer');
  if (responseIssuer && text(responseIssuer) !== trust.idpEntityId) throw fail('The answer comes from another identity provider (Issuer).');

  checkAlgorithms(doc);
  if (encrypted.length) {
    let decrypted: string;
    try {
      decrypted = await decryptXml(encrypted[0]!.toString(), trust.decryptionKey);
    } catch {
      throw fail('The encrypted assertion could not be decrypted with this connection’s key.');
    }
    checkAlgorithms(parseUntrustedXml(decrypted));
  }

  const saml = new SAML({
    idpCert: trust.certificates,
    issuer: trust.spEntityId,
    callbackUrl: trust.acsUrl,
    audience: trust.spEntityId,
    idpIssuer: trust.idpEntityId,
    wantAssertionsSigned: true,
    // A Response signature is optional, but one that is there must verify too.
    wantAuthnResponseSigned: children(response, NS.ds, 'Signature').length > 0,
    // Time and InResponseTo are judged below, with Gatehouse's clock and store.
    validateInResponseTo: ValidateInResponseTo.never,
    acceptedClockSkewMs: -1,
    decryptionPvk: trust.decryptionKey,
  });
  let signedXml: string;
  try {
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: encoded });
    if (!profile?.getAssertionXml) throw new Error('no assertion');
    signedXml = profile.getAssertionXml();
  } catch (error) {
    throw fail(`The signature check failed: ${error instanceof Error ? error.message : 'unknown error'}.`);
  }

  // From here on, only the node the signature covers is read.
  const assertion = parseUntrustedXml(signedXml).documentElement;
  if (assertion.localName !== 'Assertion' || assertion.namespaceURI !== NS.saml) throw fail('The signed node is not an assertion.');
  if (text(child(assertion, NS.saml, 'Issuer')) !== trust.idpEntityId) throw fail('The assertion comes from another identity provider (Issuer).');
  const assertionId = assertion.getAttribute('ID');
  if (!assertionId) throw fail('The assertion has no ID.');
  const issueInstant = instant(assertion.getAttribute('IssueInstant'), 'IssueInstant');

  const subject = child(assertion, NS.saml, 'Subject');
  const nameId = text(subject && child(subject, NS.saml, 'NameID'));
  if (!subject || !nameId) throw fail('The assertion names nobody (NameID).');
  const inResponseTo = response.getAttribute('InResponseTo') || undefined;
  const confirmations = children(subject, NS.saml, 'SubjectConfirmation').filter((confirmation) => confirmation.getAttribute('Method') === BEARER);
  const confirmed = confirmations.some((confirmation) => {
    const data = child(confirmation, NS.saml, 'SubjectConfirmationData');
    if (!data || data.getAttribute('Recipient') !== trust.acsUrl) return false;
    const notOnOrAfter = data.getAttribute('NotOnOrAfter');
    if (!notOnOrAfter || nowMs - CLOCK_SKEW_MS >= instant(notOnOrAfter, 'SubjectConfirmationData NotOnOrAfter')) return false;
    const notBefore = data.getAttribute('NotBefore');
    if (notBefore && nowMs + CLOCK_SKEW_MS < instant(notBefore, 'SubjectConfirmationData NotBefore')) return false;
    return (data.getAttribute('InResponseTo') || undefined) === inResponseTo;
  });
  if (!confirmed) throw fail('No bearer confirmation of this assertion is meant for this address, now, for this request (Recipient, NotOnOrAfter, InResponseTo).');

  const conditions = children(assertion, NS.saml, 'Conditions');
  if (conditions.length !== 1) throw fail('The assertion must carry one Conditions element.');
  const notBefore = conditions[0]!.getAttribute('NotBefore');
  const notOnOrAfter = conditions[0]!.getAttribute('NotOnOrAfter');
  if (notBefore && nowMs + CLOCK_SKEW_MS < instant(notBefore, 'NotBefore')) throw fail('The assertion is not valid yet (NotBefore).');
  if (!notOnOrAfter) throw fail('The assertion never expires (no NotOnOrAfter).');
  const expiresMs = instant(notOnOrAfter, 'NotOnOrAfter');
  if (nowMs - CLOCK_SKEW_MS >= expiresMs) throw fail('The assertion has expired (NotOnOrAfter).');
  const restrictions = children(conditions[0]!, NS.saml, 'AudienceRestriction');
  if (!restrictions.length || !restrictions.every((restriction) => children(restriction, NS.saml, 'Audience').some((audience) => text(audience) === trust.spEntityId))) {
    throw fail('The assertion is meant for another service provider (Audience).');
  }
  if (!inResponseTo && nowMs - issueInstant > IDP_INITIATED_MAX_AGE_MS) throw fail('The unsolicited answer is older than 5 minutes.');

  const attributes: Record<string, string[]> = {};
  for (const statement of children(assertion, NS.saml, 'AttributeStatement')) {
    for (const attribute of children(statement, NS.saml, 'Attribute')) {
      const name = attribute.getAttribute('Name');
      if (!name) continue;
      const values = children(attribute, NS.saml, 'AttributeValue').map((value) => value.textContent?.trim() ?? '').filter(Boolean);
      attributes[name] = [...(attributes[name] ?? []), ...values].slice(0, 200);
    }
  }
  return {
    assertionId,
    rememberUntil: Math.ceil((expiresMs + CLOCK_SKEW_MS) / 1000),
    inResponseTo,
    issueInstant,
    nameId,
    attributes,
  };
}
