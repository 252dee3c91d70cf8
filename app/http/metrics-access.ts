// Who may read /metrics: a request from a configured address (HOTLINE_METRICS_ALLOW, IPs and
// CIDRs; 127.0.0.1 and ::1 by default) or one bearing the metrics token
// (HOTLINE_METRICS_TOKEN). Anyone else gets 403 in the API's error shape. The token is
// compared in constant time and never appears in a log line or a response.
import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIPv4 } from 'node:net';
import type { RequestHandler } from 'express';
import { AppError } from '../errors.js';

export interface MetricsAccess {
  /** IP addresses and CIDR ranges (already validated by config). */
  allow: string[];
  token?: string;
}

/** A matcher for IPs and CIDRs; an IPv4-mapped IPv6 peer (::ffff:10.0.0.1) counts as its IPv4. */
export function addressMatcher(ranges: string[]): (address: string | undefined) => boolean {
  const list = new BlockList();
  for (const range of ranges) {
    const [address, prefix] = range.split('/') as [string, string | undefined];
    const family = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return (address) => {
    if (!address) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const plain = mapped ?? address;
    return list.check(plain, isIPv4(plain) ? 'ipv4' : 'ipv6');
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function metricsAccess(access: MetricsAccess): RequestHandler {
  const allowed = addressMatcher(access.allow);
  const expected = access.token ? digest(access.token) : undefined;
  return (req, _res, next) => {
    // The peer's own address: X-Forwarded-For is not trusted (no `trust proxy`).
    if (allowed(req.socket.remoteAddress)) return next();
    const bearer = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (expected && bearer && timingSafeEqual(digest(bearer), expected)) return next();
    next(new AppError(403, 'metrics_forbidden', 'metrics are served only to the addresses in HOTLINE_METRICS_ALLOW or with the metrics token (Authorization: Bearer)'));
  };
}
