import Bowser from 'bowser';

/**
 * What a session shows of the user agent that started it. Parsed by bowser (MIT, maintained;
 * ua-parser-js moved to the AGPL with v2), once at sign-in, so no request pays for it later.
 */
export interface UserAgentFacts {
  /** Browser name and major version, e.g. `Chrome 131`; null when the agent is no known browser. */
  browser: string | null;
  /** Operating system, e.g. `macOS Sonoma`, `Windows 10`; null when unknown. */
  os: string | null;
  /**
   * The device as the new-browser notice counts it: browser family and OS family, without
   * versions, so an update of the browser is not a new device.
   */
  device: string;
}

const clean = (parts: Array<string | undefined>) => parts.filter((part) => part && part.trim()).join(' ').trim() || null;

export function describeUserAgent(userAgent: string | undefined): UserAgentFacts {
  const parsed = userAgent?.trim() ? Bowser.parse(userAgent) : undefined;
  const browserName = parsed?.browser.name || undefined;
  const osName = parsed?.os.name || undefined;
  return {
    browser: clean([browserName, browserName ? parsed?.browser.version?.split('.')[0] : undefined]),
    os: clean([osName, osName ? (parsed?.os.versionName ?? parsed?.os.version) : undefined]),
    device: `${browserName ?? 'unknown'} on ${osName ?? 'unknown'}`.slice(0, 100),
  };
}
