// A minimal SIP-over-WebSocket client for tests (RFC 7118): REGISTER with digest auth, as a
// browser phone does, against Asterisk's /ws. Enough to prove an agent's WebRTC endpoint and
// its credentials work without a browser.
import { createHash, randomBytes } from 'node:crypto';
import WebSocket from 'ws';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const rand = () => randomBytes(6).toString('hex');

export interface WsRegistration {
  /** The final status of the REGISTER (after the digest challenge). */
  status: number;
  /** Unregisters (Expires: 0) and closes the socket. */
  close(): Promise<void>;
}

interface Pending {
  resolve: (msg: string) => void;
}

/** Opens a SIP WebSocket to `server` and REGISTERs `username` with `password` for `expires` seconds. */
export async function wsRegister(server: string, username: string, password: string, domain: string, expires = 120): Promise<WsRegistration> {
  const ws = new WebSocket(server, 'sip');
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let waiting: Pending | undefined;
  ws.on('message', (data) => {
    const msg = data.toString();
    // Final responses only: provisional ones (100 Trying) are skipped.
    if (/^SIP\/2\.0 [2-6]\d\d /.test(msg)) waiting?.resolve(msg);
  });
  const callId = rand();
  const tag = rand();
  const host = `${rand()}.invalid`;
  let cseq = 0;
  const send = (exp: number, auth?: string) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no SIP answer within 5 s')), 5000);
      waiting = { resolve: (m) => (clearTimeout(timer), resolve(m)) };
      ws.send(
        [
          `REGISTER sip:${domain} SIP/2.0`,
          `Via: SIP/2.0/WSS ${host};branch=z9hG4bK${rand()}`,
          'Max-Forwards: 70',
          `To: <sip:${username}@${domain}>`,
          `From: <sip:${username}@${domain}>;tag=${tag}`,
          `Call-ID: ${callId}`,
          `CSeq: ${++cseq} REGISTER`,
          `Contact: <sip:${username}@${host};transport=ws>;expires=${exp}`,
          `Expires: ${exp}`,
          ...(auth ? [`Authorization: ${auth}`] : []),
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
    });
  const register = async (exp: number): Promise<number> => {
    const first = await send(exp);
    const code = Number(first.split(' ')[1]);
    if (code !== 401) return code;
    // Asterisk may offer several algorithms: answer the MD5 challenge.
    const challenge = first.split('\r\n').filter((l) => /^WWW-Authenticate:/i.test(l)).find((l) => /algorithm=("?)MD5\1(,|$|\s)/i.test(l) || !/algorithm=/i.test(l));
    if (!challenge) throw new Error(`no MD5 challenge in: ${first}`);
    const param = (n: string) => new RegExp(`${n}="?([^",]+)"?`, 'i').exec(challenge)?.[1] ?? '';
    const realm = param('realm');
    const nonce = param('nonce');
    const opaque = param('opaque');
    const uri = `sip:${domain}`;
    const cnonce = rand();
    const nc = '00000001';
    const ha1 = md5(`${username}:${realm}:${password}`);
    const ha2 = md5(`REGISTER:${uri}`);
    const qop = /qop="?auth/i.test(challenge);
    const response = qop ? md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
    const auth = `Digest username="${username}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5${opaque ? `, opaque="${opaque}"` : ''}${qop ? `, qop=auth, nc=${nc}, cnonce="${cnonce}"` : ''}`;
    const second = await send(exp, auth);
    return Number(second.split(' ')[1]);
  };
  const status = await register(expires);
  return {
    status,
    async close() {
      if (status === 200 && ws.readyState === WebSocket.OPEN) await register(0);
      ws.close();
    },
  };
}
