/** Privacy: a request whose patron details were erased (retention or staff). */
export const privacy = {
  'privacy.erased.retention': 'Patron details erased on {date}: the request ended longer ago than the library keeps them. The request itself (state, dates, partners) is kept.',
  'privacy.erased.staff': 'Patron details erased on {date} by staff. The request itself (state, dates, partners) is kept.',
  'request.event.patron_details_erased': 'Patron details erased',
} as const;
