/**
 * A table with a heading row that scrolls sideways on a narrow screen (or at 200 % zoom) instead
 * of overflowing the page: it sits in a labelled region that takes focus, so keyboard users can
 * scroll it too.
 */
import type { ReactNode } from 'react';

interface Props {
  /** What the region is called for screen readers. */
  readonly label: string;
  readonly columns: readonly string[];
  /** Shown above the table, and its name for screen readers. */
  readonly caption?: string;
  readonly className?: string;
  /** The rows (<tr> elements). */
  readonly children: ReactNode;
}

export function ScrollTable({ label, columns, caption, className, children }: Props) {
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      <table className={className}>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
