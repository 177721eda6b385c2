/**
 * The server's catalogues (CATALOGUE_FILE): the union catalogues every member library asks when
 * its own settings name none, e.g. a consortium's shared index. The same shape as a library's
 * `settings.catalogue` without `local` (src/catalog/settings.ts):
 *
 *   sources:
 *     - name: GVI union catalogue
 *       url: https://sru.k10plus.de/gvi
 *       indexes: { isbn: pica.isb, issn: pica.iss }
 *       holdings: { kind: marc924 }
 *   unavailableHolders: last
 *   cacheSeconds: 600
 */
import { serverCatalogueSchema, type ServerCatalogue } from '../../catalog/settings';
import { readSettingsFile } from '../settings-file';

export function readCatalogueFile(path: string): ServerCatalogue {
  return readSettingsFile(path, serverCatalogueSchema, { setting: 'CATALOGUE_FILE', what: 'the catalogue file' });
}
