/** Words every screen uses. */
export const common = {
  'app.title': 'ILL staff',
  'role.requester': 'Borrowing',
  'role.supplier': 'Lending',
  'role.broker': 'Broker',
  'serviceType.Loan': 'Loan',
  'serviceType.Copy': 'Copy',
  'serviceType.CopyOrLoan': 'Copy or loan',
  'common.loading': 'Loading…',
  'common.error': 'Something went wrong: {detail}',
  'common.retry': 'Try again',
  'common.save': 'Save',
  'common.cancel': 'Cancel',
  'common.none': 'None',
  'common.yes': 'Yes',
  'common.no': 'No',
} as const;
