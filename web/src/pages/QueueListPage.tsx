/**
 * One work queue as a list (GET /requests?queue=<id>): sortable by need-before date, age and last
 * update, filtered by partner, service type and need-before range, all held in the URL; each row
 * offers the queue's row action. Updates by itself (live events invalidate ['requests']).
 */
import { useParams } from 'react-router';
import { FIELD, ListFilters } from '../components/ListFilters';
import { requestsQuery, type Sort } from '../components/listQuery';
import { queueName, useQueues } from '../components/queues';
import { RequestListResults } from '../components/RequestListResults';
import { PAGE_SIZE, useRequestList } from '../components/requests';
import { useListQuery } from '../components/useListQuery';
import { useTitle } from '../components/useTitle';
import { t } from '../i18n/t';
import { QueuePrintLink, SelectedPrintLinks } from '../print/PrintLinks';

const FIELDS = [FIELD.partner, FIELD.serviceType, FIELD.needBeforeFrom, FIELD.needBeforeTo];
/** Staff work a queue oldest first unless they choose otherwise. */
const DEFAULT_SORT: Sort = 'createdAt';

export function QueueListPage() {
  const { queueId = '' } = useParams();
  const { query, pathname, hrefForSort, applyFilters } = useListQuery();
  const queues = useQueues();
  const queue = queues.data?.find((q) => q.id === queueId);
  const listQuery = requestsQuery({ ...query, sort: query.sort ?? DEFAULT_SORT }, { queue: queueId, limit: PAGE_SIZE });
  const list = useRequestList(listQuery);
  const unknown = queues.data !== undefined && !queue;
  const name = queueName(queueId);
  const heading = queue ? t('queueList.heading', { group: t(`queues.group.${queue.role}`), queue: name }) : name;

  useTitle(heading);
  return (
    <main id="main" tabIndex={-1}>
      <h1>
        {heading}
        {queue && <span className="heading-count"> ({t('queueList.count', { count: queue.count })})</span>}
      </h1>
      <QueuePrintLink queueId={queueId} />
      {unknown ? (
        <p role="alert">{t('queueList.unknown', { id: queueId })}</p>
      ) : (
        <>
          <ListFilters fields={FIELDS} filters={query.filters} onApply={applyFilters} />
          <RequestListResults list={list} query={query} pathname={pathname} caption={heading} sorting={{ sort: query.sort, fallback: DEFAULT_SORT, hrefFor: hrefForSort }} rowAction={queue?.rowAction ?? null} exportQuery={listQuery} bulkExtra={(rows) => <SelectedPrintLinks rows={rows} />} />
        </>
      )}
    </main>
  );
}
