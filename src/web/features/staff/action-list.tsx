/**
 * The shape of the staff pages that list what waits for a person and act on one row at a time (refused deliveries,
 * refund cases): a focused title, an intro, one live status line, errors, loading, the empty text, then the table.
 */
import { useState, type ReactNode, type RefObject } from 'react';
import { ErrorAlert, Loading } from '../../components/form-bits.tsx';

/** One row's action at a time: which row is busy, the last error, and the sentence the status line reads out. */
export function useRowAction(reload: () => void) {
  const [busyKey, setBusyKey] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  /** Runs `call` for the row `key`; on success the status says `done` and the list reloads. */
  const run = async (key: string, call: () => Promise<unknown>, done: string) => {
    setBusyKey(key);
    setError(null);
    try {
      await call();
      setStatus(done);
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusyKey(null);
    }
  };
  return { busyKey, error, status, run };
}

export function ActionListPage(props: {
  id: string;
  title: string;
  intro: string;
  heading: RefObject<HTMLHeadingElement | null>;
  /** The list as loaded (useGet) and how many rows it has. */
  list: { isLoading: boolean; error: unknown };
  count: number;
  action: { error: unknown; status: string };
  empty: string;
  children: ReactNode;
}) {
  const { list, action } = props;
  return (
    <section aria-labelledby={props.id}>
      <h1 id={props.id} tabIndex={-1} ref={props.heading}>
        {props.title}
      </h1>
      <p>{props.intro}</p>
      <ErrorAlert error={action.error ?? list.error} />
      <p role="status">{action.status}</p>
      {list.isLoading ? <Loading /> : null}
      {!list.isLoading && !list.error && props.count === 0 ? <p>{props.empty}</p> : null}
      {props.count > 0 ? <div className="table-wrap">{props.children}</div> : null}
    </section>
  );
}
