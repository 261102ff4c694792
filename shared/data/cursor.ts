import { createHmac } from 'node:crypto';
import { keyRing } from '../auth/keys';
import { validationFailed } from '../errors';
import { safeEqual } from '../ids';

/**
 * List cursors are the DynamoDB position, bound to the organization and the list it came
 * from and signed (HMAC-SHA256), so a client cannot forge one or read another organization
 * with it. A malformed or foreign cursor is a 400.
 */
async function mac(payload: string): Promise<string> {
  const { dataKey } = await keyRing();
  return createHmac('sha256', dataKey).update(`cursor\0${payload}`).digest('base64url').slice(0, 22);
}

export async function encodeCursor(orgId: string, list: string, position: Record<string, unknown> | undefined): Promise<string | null> {
  if (!position) return null;
  const payload = Buffer.from(JSON.stringify({ o: orgId, l: list, p: position })).toString('base64url');
  return `${payload}.${await mac(payload)}`;
}

export async function decodeCursor(orgId: string, list: string, cursor: string | undefined): Promise<Record<string, unknown> | undefined> {
  if (cursor === undefined) return undefined;
  const invalid = () => validationFailed([{ path: 'query.cursor', message: 'is not a cursor of this list' }]);
  const [payload, signature] = cursor.split('.');
  if (!payload || !signature || !safeEqual(signature, await mac(payload))) throw invalid();
  try {
    const { o, l, p } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (o !== orgId || l !== list || !p || typeof p !== 'object') throw invalid();
    return p;
  } catch {
    throw invalid();
  }
}
