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
  // A new request shows as loading in the same render (state adjusted during render, as React
  // documents, rather than set from the effect one render late); the last list stays meanwhile.
  const [request, setRequest] = useState({ datasource, kind, enabled });
  if (request.datasource !== datasource || request.kind !== kind || request.enabled !== enabled) {
    setRequest({ datasource, kind, enabled });
    if (enabled) {
      setState((s) => ({ ...s, loading: true, error: undefined }));
    }
  }
  useEffect(() => {
    if (!enabled) {
      return;
    }
    let alive = true;
    datasource.listResource(kind).then(
      (values) => alive && setState({ values, loading: false }),
      (e) => alive && setState({ values: [], loading: false, error: messageOf(e) }),
    );
    return () => {
      alive = false;
    };
  }, [datasource, kind, enabled]);
  return state;
}
