/**
 * Web addresses that people will click: only http: and https:. `z.string().url()` alone accepts any scheme the
 * WHATWG parser knows, so `javascript:`, `data:` and `vbscript:` links would be stored and handed to API consumers
 * (council websites render /ask sources and observatory links as <a href>).
 */
import { z } from 'zod';

/** Longest address accepted (characters): more than any real page needs, small enough for any column or index. */
export const MAX_URL_LENGTH = 2048;

/**
 * True for an absolute http(s) address with a host. The scheme is read the way a browser reads it (the WHATWG
 * parser lower-cases it and strips leading controls and spaces), so "JaVaScRiPt:" and " javascript:" are refused.
 */
export function isHttpUrl(value: string): boolean {
  if (value.length > MAX_URL_LENGTH) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  // "http:example.org" parses, but only "http://" is what the person typing it meant.
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && /^\s*https?:\/\//i.test(value);
}

/** A zod string that must be an http(s) address (see isHttpUrl); use it for every URL field of a request. */
export function zHttpUrl() {
  return z
    .url({ protocol: /^https?$/ })
    .max(MAX_URL_LENGTH)
    .refine(isHttpUrl, { message: 'must be an http:// or https:// address' });
}
