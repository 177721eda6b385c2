/**
 * Where the two protocols carry secrets, and how they are masked wherever a message is kept or
 * shown. By element and field name, never by searching for known values: a secret this server was
 * never told (another library's code, a patron's PIN) is masked as well.
 *
 * - ISO 18626: `securityCode` (header.requestingAgencyAuthentication, in either direction).
 * - NCIP 2.02: `FromAgencyAuthentication`, `FromSystemAuthentication` (initiation headers) and
 *   `AuthenticationInputData` (a PIN or password; also a barcode or user name, masked alike
 *   rather than trusting the input type a caller wrote).
 */
import { maskElementText } from './xml';

export const SECRET_MASK = '***';

/** Local element names (and, in parsed messages, field names), compared without case. */
export const SECRET_ELEMENTS = ['securityCode', 'FromAgencyAuthentication', 'FromSystemAuthentication', 'AuthenticationInputData'] as const;

const SECRET_NAMES = new Set(SECRET_ELEMENTS.map((name) => name.toLowerCase()));

export function isSecretName(name: string): boolean {
  return SECRET_NAMES.has(name.toLowerCase());
}

/** Raw XML (or whatever body a peer sent) with every secret element's text masked. */
export function maskXmlSecrets(xml: string): string;
export function maskXmlSecrets(xml: string | null): string | null;
export function maskXmlSecrets(xml: string | null): string | null {
  return xml === null ? null : maskElementText(xml, isSecretName, SECRET_MASK);
}

/** A parsed message (any JSON value) with every secret field's value masked; a copy, the input is left alone. */
export function maskParsedSecrets<T>(value: T): T {
  return maskValue(value) as T;
}

function maskValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskValue);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, isSecretName(key) && inner !== undefined && inner !== null && inner !== '' ? SECRET_MASK : maskValue(inner)]),
  );
}
