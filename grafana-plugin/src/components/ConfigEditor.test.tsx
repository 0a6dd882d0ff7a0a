import type { DataSourceSettings } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import { deepFreeze } from '@quant-pairs/testkit';
import type { PairsDataSourceOptions, PairsSecureJsonData } from '@quant-pairs/contract';
import { ConfigEditor, collectorUrlProblem } from './ConfigEditor';

type Options = DataSourceSettings<PairsDataSourceOptions, PairsSecureJsonData>;

function settings(jsonData: PairsDataSourceOptions, secureJsonFields: Record<string, boolean> = {}): Options {
  return {
    id: 1,
    uid: 'pairs',
    orgId: 1,
    name: 'Pairs',
    type: 'quant-pairs-datasource',
    typeName: 'Quant Pairs',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    jsonData,
    secureJsonFields,
    readOnly: false,
    withCredentials: false,
  };
}

function setup(options: Options) {
  const onOptionsChange = jest.fn();
  const props = deepFreeze({ options, onOptionsChange });
  render(<ConfigEditor {...props} />);
  return onOptionsChange;
}

const last = (fn: jest.Mock): Options => fn.mock.calls[fn.mock.calls.length - 1][0];

describe('ConfigEditor', () => {
  it('writes the collector URL to jsonData.collectorUrl without mutating the settings', async () => {
    const onOptionsChange = setup(settings({ collectorUrl: 'http://collector:808', timeoutSeconds: 10 }));
    await userEvent.type(screen.getByLabelText(/Collector URL/), '0');
    expect(last(onOptionsChange).jsonData).toEqual({ collectorUrl: 'http://collector:8080', timeoutSeconds: 10 });
  });

  it('writes the token to secureJsonData.apiToken only', async () => {
    const onOptionsChange = setup(settings({ collectorUrl: 'http://c:1' }));
    await userEvent.type(screen.getByLabelText(/API token/), 's');
    const next = last(onOptionsChange);
    expect(next.secureJsonData).toEqual({ apiToken: 's' });
    expect(next.jsonData).toEqual({ collectorUrl: 'http://c:1' });
  });

  it('shows a configured token as configured, and resets it', async () => {
    const onOptionsChange = setup(settings({ collectorUrl: 'http://c:1' }, { apiToken: true }));
    expect(screen.getByDisplayValue('configured')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(last(onOptionsChange)).toMatchObject({ secureJsonFields: { apiToken: false }, secureJsonData: { apiToken: '' } });
  });

  it('says what is wrong with the URL once the field was left', async () => {
    setup(settings({ collectorUrl: 'collector:8080' }));
    expect(screen.queryByText(/must start with http/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByLabelText(/Collector URL/));
    await userEvent.tab();
    expect(screen.getByText('the URL must start with http:// or https://')).toBeInTheDocument();
  });

  it('clears the timeout back to the default', async () => {
    const onOptionsChange = setup(settings({ collectorUrl: 'http://c:1', timeoutSeconds: 5 }));
    await userEvent.clear(screen.getByLabelText(/Timeout/));
    expect(last(onOptionsChange).jsonData).toEqual({ collectorUrl: 'http://c:1' });
  });
});

describe('collectorUrlProblem', () => {
  it('accepts http and https URLs and explains the rest', () => {
    expect(collectorUrlProblem('http://collector:8080')).toBeUndefined();
    expect(collectorUrlProblem('https://pairs.example.com/')).toBeUndefined();
    expect(collectorUrlProblem('')).toMatch(/enter the URL/);
    expect(collectorUrlProblem('ftp://x')).toMatch(/http:\/\/ or https:\/\//);
    expect(collectorUrlProblem('not a url')).toMatch(/is not a URL/);
  });
});
