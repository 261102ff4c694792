/**
 * Writes shared/auth/common-passwords.txt.br from @zxcvbn-ts/language-common's maintained
 * list: one password a line, brotli-compressed. Only entries of 8 or more characters are
 * kept (shorter ones can never pass the length floor). The file ships beside each Lambda
 * bundle and is read on the first password check, so it costs no cold-start time.
 * A unit test fails when the file and the package disagree.
 */
import { writeFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';
import { dictionary } from '@zxcvbn-ts/language-common';

export const MIN_LISTED_LENGTH = 8;
export const LIST_PATH = new URL('../../shared/auth/common-passwords.txt.br', import.meta.url);

export function commonPasswords(): string[] {
  const words = (dictionary['passwords-common'] as string[]).map((word) => word.normalize('NFKC').toLowerCase());
  return [...new Set(words.filter((word) => [...word].length >= MIN_LISTED_LENGTH))].sort();
}

export function renderList(words: string[]): Buffer {
  const raw = Buffer.from(words.join('\n'));
  return brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
}

if (process.argv[1]?.endsWith('build-password-list.ts')) {
  const words = commonPasswords();
  writeFileSync(LIST_PATH, renderList(words));
  console.log(`wrote ${words.length} common passwords`);
}
