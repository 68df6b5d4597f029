/**
 * Caller groups, in which fair admission (fair-admission.ts) and each repository's fair share
 * (gateway/plugins/datasources/use-fair-share.ts) queue requests: what a request's group is, and how it travels on the
 * request's context to the repository calls. A symbol-keyed, enumerable property, so the shallow copies Apollo
 * Server and the europe subgraph make of the context keep it.
 */
const GROUP = Symbol('eucaim.callerGroup');

export function bindCallerGroup(context: object, group: string): void {
  (context as { [GROUP]?: string })[GROUP] = group;
}

/** The group bound to this context; undefined for work of the gateway's own (health checks, warm-up). */
export function callerGroupOf(context: unknown): string | undefined {
  return context !== null && typeof context === 'object' ? (context as { [GROUP]?: string })[GROUP] : undefined;
}

/**
 * The group a caller's requests are queued in: `caller:<key>` once authenticated (callerKey: issuer and subject),
 * else the client address's network (`ipv4Prefix` bits of an IPv4 address, `ipv6Prefix` of an IPv6 one).
 */
export function callerGroup(address: string, caller: string | undefined, ipv4Prefix = 24, ipv6Prefix = 56): string {
  if (caller) return `caller:${caller}`;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) {
    const bits = v4.split('.').reduce((n, octet) => ((n << 8) | Number(octet)) >>> 0, 0);
    const mask = ipv4Prefix === 0 ? 0 : (0xffffffff << (32 - ipv4Prefix)) >>> 0;
    return `net:${[24, 16, 8, 0].map((shift) => ((bits & mask) >>> shift) & 0xff).join('.')}/${ipv4Prefix}`;
  }
  return `net:${ipv6Network(address, ipv6Prefix)}/${ipv6Prefix}`;
}

/** The first `prefix` bits of an IPv6 address, as 16-bit groups. */
function ipv6Network(address: string, prefix: number): string {
  const [head, tail = ''] = address.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = address.includes('::') && tail ? tail.split(':') : [];
  const groups = [...headGroups, ...Array(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups]
    .map((g) => Number.parseInt(g || '0', 16) || 0);
  return groups.map((group, i) => {
    const keep = Math.max(0, Math.min(16, prefix - i * 16));
    return (keep === 0 ? 0 : group & ((0xffff << (16 - keep)) & 0xffff)).toString(16);
  }).join(':');
}
