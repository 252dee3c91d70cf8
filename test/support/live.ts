// A console on Hotline's live feed (WebSocket /api/acd/live), signed in with a token, that
// records every message it receives with the time it arrived.
import WebSocket from 'ws';
import { waitUntil } from './pbx.js';

export interface LiveConsole {
  messages: Array<Record<string, any> & { receivedAt: number }>;
  close(): void;
}

export async function openConsole(url: string, token: string): Promise<LiveConsole> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/acd/live`);
  const messages: LiveConsole['messages'] = [];
  ws.on('message', (d) => messages.push({ ...JSON.parse(String(d)), receivedAt: Date.now() }));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'auth', token }));
  await waitUntil('the live feed to be ready', () => messages.find((m) => m.type === 'ready'));
  return { messages, close: () => ws.close() };
}
