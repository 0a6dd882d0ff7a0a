import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput } from '@grafana/ui';
import React, { useState, type ChangeEvent } from 'react';

import type { PairsDataSourceOptions, PairsSecureJsonData } from '@quant-pairs/contract';

type Props = DataSourcePluginOptionsEditorProps<PairsDataSourceOptions, PairsSecureJsonData>;

/** What is wrong with a collector URL, or undefined when it is usable. */
export function collectorUrlProblem(url: string | undefined): string | undefined {
  const u = (url ?? '').trim();
  if (u === '') {
    return 'enter the URL of the collector, e.g. http://collector:8080';
  }
  try {
    const parsed = new URL(u);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return 'the URL must start with http:// or https://';
    }
  } catch {
    return `"${u}" is not a URL; write it as http://host:port`;
  }
  return undefined;
}

/**
 * The data source settings: the collector URL (jsonData.collectorUrl), a request timeout and
 * the API token (secureJsonData.apiToken: write-only, Grafana keeps it encrypted and only the
 * backend sees it). Grafana's own "Save & test" button calls the backend's CheckHealth and shows
 * its message.
 */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields } = options;
  const [touched, setTouched] = useState(false);
  const urlProblem = collectorUrlProblem(jsonData.collectorUrl);
  const timeoutProblem =
    jsonData.timeoutSeconds !== undefined && !(Number.isFinite(jsonData.timeoutSeconds) && jsonData.timeoutSeconds > 0)
      ? 'the timeout must be a number of seconds above 0'
      : undefined;

  const onUrl = (e: ChangeEvent<HTMLInputElement>) => onOptionsChange({ ...options, jsonData: { ...jsonData, collectorUrl: e.currentTarget.value } });
  const onTimeout = (e: ChangeEvent<HTMLInputElement>) => {
    const text = e.currentTarget.value.trim();
    const next = { ...jsonData };
    if (text === '') {
      delete next.timeoutSeconds;
    } else {
      next.timeoutSeconds = Number(text);
    }
    onOptionsChange({ ...options, jsonData: next });
  };
  const onToken = (e: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, secureJsonData: { ...options.secureJsonData, apiToken: e.currentTarget.value } });
  const onResetToken = () =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, apiToken: false },
      secureJsonData: { ...options.secureJsonData, apiToken: '' },
    });

  return (
    <FieldSet label="Collector" data-testid="pairs-config-editor">
      <Field
        label="Collector URL"
        description="Base URL of the collector's query API, as seen from the Grafana server"
        required
        invalid={touched && !!urlProblem}
        error={urlProblem}
      >
        <Input
          id="pairs-collector-url"
          width={48}
          value={jsonData.collectorUrl ?? ''}
          placeholder="http://collector:8080"
          onChange={onUrl}
          onBlur={() => setTouched(true)}
        />
      </Field>
      <Field
        label="API token"
        description="Sent by the backend as a Bearer token; leave empty if the collector has none. Stored encrypted, never sent to browsers."
      >
        <SecretInput
          id="pairs-api-token"
          width={48}
          isConfigured={Boolean(secureJsonFields?.apiToken)}
          value={options.secureJsonData?.apiToken ?? ''}
          placeholder="token"
          onChange={onToken}
          onReset={onResetToken}
        />
      </Field>
      <Field
        label="Timeout (seconds)"
        description="How long the backend waits for the collector (default 30)"
        invalid={!!timeoutProblem}
        error={timeoutProblem}
      >
        <Input id="pairs-timeout" type="number" width={12} value={jsonData.timeoutSeconds ?? ''} placeholder="30" onChange={onTimeout} />
      </Field>
    </FieldSet>
  );
}
