// How the Duo client reaches Duo, as the user chooses it: in the editor the `duoRules.duo.*` settings
// and VS Code's `http.*` proxy settings (sent with duoRules/verify and duoRules/doctor), on the
// command line its flags and the environment.

/** Duo transport options (setting `duoRules.duo.*`, proxy from VS Code's `http.*`). */
export interface DuoTransportSettings {
  /** Send requests here instead of https://<host> (e.g. the emulator); signing still uses the host. */
  baseUrl?: string;
  /** Bound for each request including its 429 retries (default 10 s). */
  timeoutMs?: number;
  /** Explicit proxy URL (VS Code's `http.proxy`, or HTTPS_PROXY in the CLI). */
  proxy?: string;
  /** NO_PROXY-style list of hosts that bypass the proxy. */
  noProxy?: string;
  /** false accepts any certificate when pinning is off (VS Code's `http.proxyStrictSSL`). */
  strictSSL?: boolean;
  /** Trust only Duo's CA certificates for Duo hosts (default true). */
  pinCertificates?: boolean;
}
