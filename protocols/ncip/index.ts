/** NCIP 2.02 codec: pure, no I/O. `parseNcip` reads leniently, `buildNcip` writes schema-valid XML; both throw only `NcipProblem`. */
export * from './types';
export * from './problems';
export * from './vocabulary';
export { parseNcip, type NcipParseOptions } from './parse';
export { buildNcip, buildProblemResponse, type NcipBuildOptions } from './build';
export { isXsDateTime } from './shapes';
export {
  ALREADY_CHECKED_IN,
  EMAIL_ADDRESS_TYPES,
  NCIP1_ALIASES,
  isAlreadyCheckedIn,
  recognizeProblem,
  userEmail,
  userName,
  userStanding,
  type UserName,
  type UserStanding,
} from './shims';
