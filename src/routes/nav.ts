import type { FastifyRequest } from 'fastify';
import type { Role } from '../db/schema/index.ts';

interface NavItem {
  href: string;
  label: string;
  roles: readonly Role[];
}

/** The navigation by role. An item appears only once its page exists (its route is registered). */
const ITEMS: NavItem[] = [
  { href: '/', label: 'nav.home', roles: ['admin', 'command', 'manager', 'intake', 'satpol', 'pendamping'] },
  { href: '/cases', label: 'nav.cases', roles: ['pendamping', 'manager', 'command', 'admin'] },
  { href: '/worklists', label: 'nav.worklists', roles: ['pendamping', 'manager', 'intake', 'command', 'admin'] },
  { href: '/intake', label: 'nav.intake', roles: ['intake', 'manager'] },
  { href: '/residents', label: 'nav.residents', roles: ['admin', 'command', 'manager', 'intake'] },
  { href: '/facilities', label: 'nav.facilities', roles: ['admin', 'command', 'manager', 'intake', 'satpol'] },
  { href: '/referrals', label: 'nav.referrals', roles: ['admin', 'command', 'manager', 'intake'] },
  { href: '/handoffs', label: 'nav.handoffs', roles: ['admin', 'command', 'manager', 'intake', 'satpol'] },
  { href: '/board', label: 'nav.board', roles: ['admin', 'command', 'display'] },
  { href: '/reports', label: 'nav.reports', roles: ['admin', 'command', 'manager'] },
  { href: '/admin', label: 'nav.admin', roles: ['admin'] },
];

export function navFor(request: FastifyRequest): { href: string; label: string; current: boolean }[] {
  const actor = request.actor;
  if (!actor || actor.role === 'system') return [];
  const path = request.url.split('?')[0] ?? '/';
  return ITEMS.filter((i) => i.roles.includes(actor.role as Role) && request.server.hasRoute({ method: 'GET', url: i.href })).map((i) => ({
    href: i.href,
    label: request.t(i.label),
    current: i.href === '/' ? path === '/' : path.startsWith(i.href),
  }));
}
