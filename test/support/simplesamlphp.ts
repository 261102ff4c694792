import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../infra/local/stack';
import { newKeyPair } from './saml-forger';

/**
 * Debian's SimpleSAMLphp as a real SAML IdP nobody here wrote (research/enterprise-sso.md §4):
 * its own config dir (the package's config.php, overridden), an example user, and PHP's
 * built-in server on a free loopback port. Installed by .ci/run (and here, as root, when missing,
 * like Chromium); the test fails rather than skips without it.
 */
const SSP = '/usr/share/simplesamlphp';

export function ensureSimpleSamlPhp(): void {
  if (existsSync(`${SSP}/www/index.php`) && spawnSync('php', ['-v']).status === 0) return;
  if (process.getuid?.() !== 0) throw new Error('SimpleSAMLphp is missing: apt-get install -y --no-install-recommends simplesamlphp php-cli php-xml php-mbstring');
  const packages = ['install', '-y', '--no-install-recommends', 'simplesamlphp', 'php-cli', 'php-xml', 'php-mbstring'];
  if (spawnSync('apt-get', packages, { stdio: 'inherit' }).status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    if (spawnSync('apt-get', packages, { stdio: 'inherit' }).status !== 0) throw new Error('apt-get install simplesamlphp failed');
  }
}

export interface SspUser {
  username: string;
  password: string;
  attributes: Record<string, string[]>;
}

export interface SimpleSamlPhp {
  url: string;
  entityId: string;
  metadataUrl: string;
  /** Registers (or re-registers) a service provider; `encryptFor` turns on encrypted assertions for its certificate. */
  trustServiceProvider(sp: { entityId: string; acsUrl: string; encryptFor?: string }): void;
  stop(): Promise<void>;
}

const php = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(php).join(', ')}]`;
  if (value && typeof value === 'object') return `[${Object.entries(value).map(([key, item]) => `${php(key)} => ${php(item)}`).join(', ')}]`;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  return `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
};

export async function startSimpleSamlPhp(users: SspUser[]): Promise<SimpleSamlPhp> {
  ensureSimpleSamlPhp();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-ssp-'));
  for (const sub of ['config', 'metadata', 'cert', 'data', 'log', 'tmp']) mkdirSync(join(dir, sub));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const keys = newKeyPair('SimpleSAMLphp test IdP');
  writeFileSync(join(dir, 'cert', 'idp.crt'), keys.certificate);
  writeFileSync(join(dir, 'cert', 'idp.key'), keys.privateKey);
  writeFileSync(join(dir, 'config', 'config.php'), `<?php
include '/etc/simplesamlphp/config.php';
$config['baseurlpath'] = ${php(`${url}/`)};
$config['certdir'] = ${php(`${dir}/cert/`)};
$config['metadatadir'] = ${php(`${dir}/metadata/`)};
$config['datadir'] = ${php(`${dir}/data/`)};
$config['loggingdir'] = ${php(`${dir}/log/`)};
$config['tempdir'] = ${php(`${dir}/tmp`)};
$config['secretsalt'] = ${php(keys.certificate.slice(40, 80))};
$config['auth.adminpassword'] = 'not-used-by-the-tests';
$config['enable.saml20-idp'] = true;
$config['logging.handler'] = 'stderr';
$config['logging.level'] = SimpleSAML\\Logger::WARNING;
$config['session.cookie.secure'] = false;
// Its default, SameSite=None, needs Secure, which plain HTTP cannot have: Chromium would drop the cookie.
$config['session.cookie.samesite'] = 'Lax';
$config['store.type'] = 'phpsession';
$config['module.enable'] = ['exampleauth' => true, 'core' => true, 'saml' => true, 'admin' => true];
`);
  const accounts = Object.fromEntries(users.map((user) => [`${user.username}:${user.password}`, user.attributes]));
  writeFileSync(join(dir, 'config', 'authsources.php'), `<?php
$config = ${php({ admin: ['core:AdminPassword'], 'example-userpass': { 0: 'exampleauth:UserPass', ...accounts } })};
`);
  writeFileSync(join(dir, 'metadata', 'saml20-idp-hosted.php'), `<?php
$metadata['__DYNAMIC:1__'] = ${php({
    host: '__DEFAULT__',
    privatekey: 'idp.key',
    certificate: 'idp.crt',
    auth: 'example-userpass',
    'saml20.sign.response': true,
    'saml20.sign.assertion': true,
    'signature.algorithm': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  })};
`);
  const trustServiceProvider: SimpleSamlPhp['trustServiceProvider'] = (sp) => {
    const body = (sp.encryptFor ?? '').replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
    writeFileSync(join(dir, 'metadata', 'saml20-sp-remote.php'), `<?php
$metadata[${php(sp.entityId)}] = ${php({
      AssertionConsumerService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', Location: sp.acsUrl, index: 0 }],
      NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      'simplesaml.nameidattribute': 'uid',
      'simplesaml.attributes': true,
      ...(sp.encryptFor ? { 'assertion.encryption': true, certData: body } : {}),
    })};
`);
  };
  trustServiceProvider({ entityId: 'urn:placeholder', acsUrl: `${url}/nowhere` });

  // The built-in server runs OPcache, which rechecks a changed file only every 2 s: a metadata file
  // rewritten between two tests would be read stale.
  const child: ChildProcess = spawn('php', ['-d', 'opcache.enable=0', '-S', `127.0.0.1:${port}`, '-t', `${SSP}/www`], {
    env: { ...process.env, SIMPLESAMLPHP_CONFIG_DIR: join(dir, 'config') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const metadataUrl = `${url}/saml2/idp/metadata.php`;
  for (let attempt = 0; ; attempt += 1) {
    const ok = await fetch(metadataUrl).then((response) => response.ok, () => false);
    if (ok) break;
    if (attempt > 100 || child.exitCode !== null) {
      child.kill('SIGTERM');
      throw new Error(`SimpleSAMLphp did not start: ${stderr.join('').slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    entityId: metadataUrl,
    metadataUrl,
    trustServiceProvider,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
