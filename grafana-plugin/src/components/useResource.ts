import { useEffect, useState } from 'react';

import type { DataSource } from '../datasource';
import type { ResourceKind } from '@quant-pairs/contract';

export interface ResourceState {
  values: string[];
  loading: boolean;
  /** Why the list could not be loaded, in words; the field still accepts typed values. */
  error?: string;
}

function messageOf(e: unknown): string {
  const data = (e as { data?: { message?: string; error?: string } })?.data;
  return data?.message ?? data?.error ?? (e as Error)?.message ?? String(e);
}

/** One list from the backend's resources, loaded once per data source and kind. */
export function useResource(datasource: DataSource, kind: ResourceKind, enabled = true): ResourceState {
  const [state, setState] = useState<ResourceState>({ values: [], loading: enabled });
  useEffect(() => {
    if (!enabled) {
      return;
    }
    let alive = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    datasource.listResource(kind).then(
      (values) => alive && setState({ values, loading: false }),
      (e) => alive && setState({ values: [], loading: false, error: messageOf(e) })
    );
    return () => {
      alive = false;
    };
  }, [datasource, kind, enabled]);
  return state;
}
