import { type Socket, createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

/**
 * A DNS server on loopback that answers TXT queries from a table the test fills (RFC 1035 wire
 * format, UDP): what GATEHOUSE_DNS_SERVER points the domain verification at. Unknown names get
 * NXDOMAIN; other record types an empty answer.
 */
export interface TxtServer {
  address: string;
  records: Map<string, string[]>;
  queries: string[];
  stop(): Promise<void>;
}

function readName(message: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let at = offset;
  while (message[at]! > 0) {
    const length = message[at]!;
    labels.push(message.subarray(at + 1, at + 1 + length).toString('latin1'));
    at += 1 + length;
  }
  return { name: labels.join('.').toLowerCase(), end: at + 1 };
}

function answer(query: Buffer, records: Map<string, string[]>, seen: string[]): Buffer {
  const { name, end } = readName(query, 12);
  const type = query.readUInt16BE(end);
  seen.push(name);
  const question = query.subarray(12, end + 4);
  const values = records.get(name);
  const found = type === 16 && values ? values : [];
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header.writeUInt16BE(values ? 0x8180 : 0x8183, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(found.length, 6);
  const rrs = found.map((value) => {
    // A TXT value is one or more character-strings of at most 255 bytes.
    const chunks = (Buffer.from(value).toString('latin1').match(/[\s\S]{1,255}/g) ?? ['']).map((chunk) => Buffer.concat([Buffer.from([chunk.length]), Buffer.from(chunk, 'latin1')]));
    const data = Buffer.concat(chunks);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0);
    rr.writeUInt16BE(16, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(0, 6);
    rr.writeUInt16BE(data.length, 10);
    return Buffer.concat([rr, data]);
  });
  return Buffer.concat([header, question, ...rrs]);
}

export async function startTxtServer(): Promise<TxtServer> {
  const socket: Socket = createSocket('udp4');
  const records = new Map<string, string[]>();
  const queries: string[] = [];
  socket.on('message', (message, remote) => {
    try {
      socket.send(answer(message, records, queries), remote.port, remote.address);
    } catch {
      // A malformed query gets no answer, as a real server would drop it.
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    records,
    queries,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
