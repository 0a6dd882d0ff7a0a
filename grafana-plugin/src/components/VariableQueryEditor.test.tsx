import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import { DataSource } from '../datasource';
import { deepFreeze } from '@quant-pairs/testkit';
import { TestTemplateSrv, instanceSettings } from '../../test/support/grafana';
import type { PairsVariableQuery } from '@quant-pairs/contract';
import { VariableQueryEditor } from './VariableQueryEditor';

describe('VariableQueryEditor', () => {
  it('picks the list a variable offers without mutating the query', async () => {
    const onChange = jest.fn();
    const datasource = new DataSource(instanceSettings(), new TestTemplateSrv({}));
    const query: PairsVariableQuery = { refId: 'V', version: 1, kind: 'pairs' };
    const props = deepFreeze({ query, onChange, onRunQuery: jest.fn(), datasource });
    render(<VariableQueryEditor {...(props as unknown as React.ComponentProps<typeof VariableQueryEditor>)} />);
    expect(screen.getByRole('radio', { name: 'Pairs' })).toBeChecked();
    await userEvent.click(screen.getByRole('radio', { name: 'Windows' }));
    expect(onChange).toHaveBeenCalledWith({ refId: 'V', version: 1, kind: 'windows' });
  });
});
