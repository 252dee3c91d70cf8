// Requests Node's HTTP parser refuses before Express sees them (a URL and headers over Node's
// 16 KB limit, a malformed request line, a request that took too long to arrive) get the
// API's JSON error shape with a stable code instead of Node's bare status line.
import http, { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Status, code and message for a parser error (Node's own choice of status kept). */
export function clientErrorAnswer(errCode: string | undefined): { status: number; code: string; message: string } {
  switch (errCode) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'headers_too_large', message: `the request line and headers (query string included) exceed ${Math.round(http.maxHeaderSize / 1024)} KB` };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'payload_too_large', message: 'chunk extensions are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout', message: 'the request did not arrive in time' };
    default:
      return { status: 400, code: 'malformed_request', message: 'the request is not valid HTTP' };
  }
}

/** Answers parser errors on `server` (HTTP or HTTPS) as JSON, then closes the connection. */
export function answerClientErrorsAsJson(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node's default: answer only on a connection that is still writable and whose response
    // in flight, if any, has sent no header yet (a response under way cannot be followed).
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent: boolean } | null })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, code, message } = clientErrorAnswer(err.code);
    const body = JSON.stringify({ error: { code, message } });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'X-Content-Type-Options: nosniff\r\n' +
        'Cache-Control: no-store\r\n' +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
