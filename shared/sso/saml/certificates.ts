import { X509Certificate, generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/** What the API shows of a trusted IdP certificate: never more than is public. */
export interface CertificateInfo {
  sha256: string;
  subject: string;
  notBefore: string;
  notAfter: string;
}

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** A certificate as PEM, whether it came as PEM or as the bare base64 of metadata's X509Certificate. */
export function normalizeCertificate(text: string): string {
  const trimmed = text.trim();
  const body = trimmed.startsWith('-----BEGIN') ? trimmed.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '') : trimmed;
  const base64 = body.replace(/\s+/g, '');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Parses one certificate; undefined when it is not an X.509 certificate with an RSA or EC key of sane size. */
export function describeCertificate(pem: string): CertificateInfo | undefined {
  try {
    const cert = new X509Certificate(pem);
    const key = cert.publicKey;
    if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return undefined;
    return {
      sha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
      subject: cert.subject.replace(/\n/g, ', '),
      notBefore: new Date(cert.validFrom).toISOString(),
      notAfter: new Date(cert.validTo).toISOString(),
    };
  } catch {
    return undefined;
  }
}

export const certificatesIn = (text: string): string[] => text.match(PEM) ?? [];

/** The base64 body of a PEM certificate, as metadata's X509Certificate element carries it. */
export const certificateBody = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');

/**
 * A connection's own RSA 2048 key pair and a self-signed certificate for it (10 years), for
 * the IdP to encrypt assertions to and check signed AuthnRequests with. Node makes the key;
 * node-forge only writes the certificate (Node has no API for that).
 */
export function newServiceProviderKeyPair(commonName: string, now: Date): { certificate: string; privateKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // A positive serial: the first bit of 16 random bytes cleared.
  cert.serialNumber = `0${randomBytes(16).toString('hex').slice(1)}`;
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + 10 * 365 * 86400_000);
  const subject = [{ name: 'commonName', value: commonName.slice(0, 64) }, { name: 'organizationName', value: 'Gatehouse' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(forge.pki.privateKeyFromPem(privatePem), forge.md.sha256.create());
  return { certificate: forge.pki.certificateToPem(cert), privateKey: privatePem };
}
