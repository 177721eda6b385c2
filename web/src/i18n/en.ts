/**
 * The English catalogue: one object, assembled from one part per area of the interface (each
 * screen's words stay next to each other). A translation is a file of the same keys.
 */
import { account } from './en/account';
import { bulk } from './en/bulk';
import { actions } from './en/actions';
import { common } from './en/common';
import { newRequest } from './en/new-request';
import { print } from './en/print';
import { queues } from './en/queues';
import { request } from './en/request';
import { search } from './en/search';
import { shell } from './en/shell';
import { states } from './en/states';
import { adminDirectory } from './en/admin-directory';
import { adminLibraries } from './en/admin-libraries';
import { local } from './en/local';
import { statistics } from './en/statistics';
import { privacy } from './en/privacy';

// One part per line, so parts added at the same time merge cleanly.
export const en = {
  ...common,
  ...states,
  ...actions,
  ...shell,
  ...queues,
  ...search,
  ...account,
  ...request,
  ...newRequest,
  ...print,
  ...bulk,
  ...adminDirectory,
  ...adminLibraries,
  ...local,
  ...statistics,
  ...privacy,
} as const;

export type MessageKey = keyof typeof en;
