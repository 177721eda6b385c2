/**
 * The first screen: the work queues with their counts, grouped Borrowing / Lending / Broker. Each
 * queue is a link named "<queue> <count>"; a needs-attention queue with requests in it stands out.
 * Counts update by themselves (live events invalidate ['queues']).
 */
import { Link } from 'react-router';
import { ProblemMessage } from '../components/ProblemMessage';
import { isAttentionQueue, queueGroups, queueName, useQueues } from '../components/queues';
import { useTitle } from '../components/useTitle';
import { t } from '../i18n/t';

export function QueuesPage() {
  const queues = useQueues();
  useTitle(t('queues.title'));
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('queues.title')}</h1>
      {queues.isPending && <p role="status">{t('common.loading')}</p>}
      {queues.isError && <ProblemMessage error={queues.error} onRetry={() => void queues.refetch()} />}
      {queues.data && (
        <div className="queue-groups">
          {queueGroups(queues.data).map((group) => (
            <section key={group.role} className="queue-group" aria-labelledby={`queues-${group.role}`}>
              <h2 id={`queues-${group.role}`}>{t(`queues.group.${group.role}`)}</h2>
              <ul className="queue-list">
                {group.queues.map((queue) => {
                  const urgent = isAttentionQueue(queue) && queue.count > 0;
                  return (
                    <li key={queue.id} className={[urgent ? 'urgent' : '', queue.count === 0 ? 'empty' : ''].join(' ').trim() || undefined}>
                      <Link to={`/queues/${queue.id}`}>
                        <span className="queue-name">{queueName(queue.id)}</span>{' '}
                        <span className="queue-count">{queue.count}</span>
                      </Link>
                    </li>
                  );
                })}
              </ul>
            </section>
          ))}
        </div>
      )}
    </main>
  );
}
