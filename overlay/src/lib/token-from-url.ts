/** Where the panel and the captioner keep the relay token in this browser (one login for both pages). */
export const TOKEN_KEY = 'cosy-relay.token';

/** `#token=…` or `?token=…` in the URL wins over storage; it is then removed from the address bar. */
export function tokenFromUrl(): string | null {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const query = new URLSearchParams(location.search);
  const token = hash.get('token') ?? query.get('token');
  if (token === null) return null;
  hash.delete('token');
  query.delete('token');
  const q = query.toString();
  const h = hash.toString();
  history.replaceState(null, '', `${location.pathname}${q ? `?${q}` : ''}${h ? `#${h}` : ''}`);
  return token.trim() || null;
}
