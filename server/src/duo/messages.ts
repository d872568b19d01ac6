// Plain-language explanations of Duo's failure codes, worded for someone who just pasted keys
// into an Auth0 rule. Duo's own message is appended in parentheses so nothing is lost.

const EXPLANATIONS: Record<number, string> = {
  40001: 'Duo says a required parameter is missing',
  40002: 'Duo says the request parameters are invalid',
  40101: 'Duo says the request carried no credentials',
  40102: 'Duo does not know this ikey (Client ID): check the ikey and that it belongs to an application on this host',
  40103: 'Duo rejected the signature: the skey does not match this ikey',
  40104: 'Duo rejected the request: the Duo account or application is disabled',
  40105: 'Duo rejected the request time: the clock of this computer is too far from Duo\'s',
  40301: 'Duo says these keys belong to a different kind of Duo application (wrong integration type for this API)',
  42901: 'Duo rate-limited the requests (too many requests)',
};

/** One sentence for a Duo `stat: FAIL` answer, e.g. 40103 → "Duo rejected the signature: …". */
export function explainDuoFailure(code: number | undefined, duoMessage: string | undefined, detail: string | undefined): string {
  const said = [duoMessage, detail].filter((s) => typeof s === 'string' && s.length > 0).join(': ');
  const explanation = code !== undefined ? EXPLANATIONS[code] : undefined;
  if (explanation) return said ? `${explanation} (Duo: ${code} ${said})` : `${explanation} (Duo: ${code})`;
  return `Duo refused the request${code !== undefined ? ` with code ${code}` : ''}${said ? `: ${said}` : ''}`;
}

/** The health check's `invalid_client` answer covers several causes; Duo's detail tells them apart. */
export function explainHealthCheckFailure(code: number | undefined, duoMessage: string | undefined, detail: string | undefined): string {
  if (duoMessage === 'invalid_client') {
    const said = ` (Duo: ${code !== undefined ? `${code} ` : ''}invalid_client${detail ? `: ${detail}` : ''})`;
    if (detail && /signature/i.test(detail)) return `Duo rejected the client assertion's signature: the skey (Client secret) does not match this ikey (Client ID)${said}`;
    return `Duo did not accept these keys as a Web SDK (Universal Prompt) application${said}`;
  }
  return explainDuoFailure(code, duoMessage, detail);
}
