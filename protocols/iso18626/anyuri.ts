/**
 * xs:anyURI as libxml2 checks it (what mod-rs and our schema tests validate with): characters a
 * URI cannot hold are first replaced (xmlschemastypes.c, XML_SCHEMAS_ANYURI), then the result must
 * be an RFC 3986 URI-reference. So `a b` and `ü` pass while `%%`, `::` or `http://x/[y]` fail,
 * and a scheme that fails would make a built message schema-invalid.
 */
const UNRESERVED = 'A-Za-z0-9\\-._~';
const SUB_DELIMS = "!$&'()*+,;=";
const PCT = '%[0-9A-Fa-f]{2}';
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})`;
const SEGMENT = `${PCHAR}*`;
const SEGMENT_NZ = `${PCHAR}+`;
const SEGMENT_NZ_NC = `(?:[${UNRESERVED}${SUB_DELIMS}@]|${PCT})+`;
const PATH_ABEMPTY = `(?:/${SEGMENT})*`;
const PATH_ABSOLUTE = `/(?:${SEGMENT_NZ}(?:/${SEGMENT})*)?`;
const PATH_ROOTLESS = `${SEGMENT_NZ}(?:/${SEGMENT})*`;
const PATH_NOSCHEME = `${SEGMENT_NZ_NC}(?:/${SEGMENT})*`;
const USERINFO = `(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})*`;
const IP_LITERAL = `\\[[0-9A-Fa-f:.]+\\]`;
const REG_NAME = `(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT})*`;
const AUTHORITY = `(?:${USERINFO}@)?(?:${IP_LITERAL}|${REG_NAME})(?::[0-9]*)?`;
const QUERY = `(?:${PCHAR}|[/?])*`;
const SCHEME = '[A-Za-z][A-Za-z0-9+.\\-]*';
const HIER_PART = `(?://${AUTHORITY}${PATH_ABEMPTY}|${PATH_ABSOLUTE}|${PATH_ROOTLESS}|)`;
const RELATIVE_PART = `(?://${AUTHORITY}${PATH_ABEMPTY}|${PATH_ABSOLUTE}|${PATH_NOSCHEME}|)`;
const URI_REFERENCE = new RegExp(`^(?:${SCHEME}:${HIER_PART}|${RELATIVE_PART})(?:\\?${QUERY})?(?:#${QUERY})?$`);

/** The characters libxml2 replaces with `_` before parsing (control characters included, on purpose). */
// eslint-disable-next-line no-control-regex
const REPLACED = /[\u0000-\u0020\u007F-\u{10FFFF}<>"{}|\\^`']/gu;

export function isAnyUri(value: string): boolean {
  return URI_REFERENCE.test(value.replace(REPLACED, '_'));
}
