/** Held locally: the library's own copies of what a request asks for. */
export const local = {
  'local.heading': 'Held locally',
  'local.held': 'Available copies in our own catalogue ({source}): {count}. Fill the request from the shelf, or send it to the lenders if no copy can be used.',
  'local.item': 'item {id}',
  'local.notHeld': 'Our own catalogue ({source}) has no available copy.',
  'local.failed': 'Our own catalogue ({source}) could not be checked: {reason}',
};
