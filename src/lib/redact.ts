/** Query parameters that carry a secret (the live socket's `?token=`): never written to a log. */
const SECRET_PARAMS = /([?&](?:token|access_token|password)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}
