/** Patron mail in English: the wording the server has always sent. */
import type { MailWording } from './wording';

const PLACE = '{{pickupLocation}}{{#if pickupLocationAddress}} ({{pickupLocationAddress}}){{/if}}';
const PICKUP = `{{#if pickupLocation}} at ${PLACE}{{/if}}`;

export const en: MailWording = {
  greeting: '{{#if patronName}}Dear {{patronName}},{{else}}Hello,{{/if}}',
  closing: 'Kind regards,',
  department: 'Interlibrary loan',
  referenceLabel: 'Your request number',
  statusLink: 'Follow your request',
  notices: {
    request_received: {
      subject: 'We have your interlibrary loan request: {{item}}',
      paragraphs: [
        'We have received your request for {{item}}{{#if neededBy}}, which you need by {{neededBy}}{{/if}}.',
        'We are asking other libraries to lend it to us and will write again when it is on its way.',
      ],
    },
    shipped: {
      subject: 'On its way: {{item}}',
      paragraphs: ['Good news: the lending library has sent {{item}} to us.', `We will write again when it is ready for you to collect${PICKUP}.`],
    },
    ready_for_pickup: {
      subject: 'Ready for pickup: {{item}}',
      paragraphs: [`{{item}} is ready for you to collect${PICKUP}.`, '{{#if dueDate}}It is due back on {{dueDate}}. {{/if}}Please bring your library card.'],
    },
    due_soon: {
      subject: 'Due soon: {{item}}',
      paragraphs: [
        '{{item}}, which we borrowed for you from another library, is due back on {{dueDate}}.',
        'Please return it by then. If you need it longer, ask us before the due date and we will ask the lending library for a renewal.',
      ],
    },
    overdue: {
      subject: 'Overdue: {{item}}',
      paragraphs: ['{{item}} was due back on {{dueDate}}.', 'It belongs to another library: please return it as soon as you can.'],
    },
    recalled: {
      subject: 'Recalled: please return {{item}}',
      paragraphs: ['The lending library needs {{item}} back.', 'Please return it {{#if dueDate}}by {{dueDate}}{{else}}as soon as you can{{/if}}.'],
    },
    renewed: {
      subject: 'Renewed: {{item}}',
      paragraphs: ['Your loan of {{item}} has been renewed.', '{{#if dueDate}}The new due date is {{dueDate}}.{{/if}}'],
    },
    renew_refused: {
      subject: 'Renewal not possible: {{item}}',
      paragraphs: ['The lending library could not renew your loan of {{item}}.', 'Please return it {{#if dueDate}}by {{dueDate}}{{else}}as soon as you can{{/if}}.'],
    },
    cancelled: {
      subject: 'Cancelled: {{item}}',
      paragraphs: ['Your request for {{item}} has been cancelled{{#if reason}}: {{reason}}{{/if}}.', 'If you still need it, please contact us.'],
    },
    unfilled: {
      subject: 'We could not get {{item}}',
      paragraphs: ['We are sorry: we could not get {{item}} for you{{#if reason}} ({{reason}}){{/if}}.', 'If you would like us to try another way, please contact us.'],
    },
    delivered: {
      subject: 'Your copy has been delivered: {{item}}',
      paragraphs: [`The copy you asked for, {{item}}, has been delivered{{#if pickupLocation}} to ${PLACE}{{/if}}.`],
    },
    filled_locally: {
      subject: 'In our own collection: {{item}}',
      paragraphs: [
        'Good news: our library has {{item}} itself, so we do not need to borrow it from another library.',
        `We are setting a copy aside for you to collect${PICKUP}. Please bring your library card.`,
      ],
    },
  },
  signInLink: {
    subject: 'Your sign-in link: {{libraryName}}',
    greeting: 'Hello,',
    intro: 'You asked to sign in to the interlibrary loan pages of {{libraryName}}. Use this link to sign in:',
    button: 'Sign in',
    validity: 'The link works once, for {{expiry}}.',
    unasked: 'If you did not ask for it, you can ignore this mail: nobody can sign in without the link.',
  },
  item: {
    titleByAuthor: (title, author) => `${title} by ${author}`,
    articleInJournal: (article, journal) => `"${article}" in ${journal}`,
    article: (article) => `"${article}"`,
    byNumber: (kind, number) => `the item with ${kind} ${number}`,
    unknown: 'the item you asked for',
  },
  reasons: {
    unfilled: {
      notheld: 'none of the libraries we asked hold it',
      notonshelf: 'it was not on the shelf at the libraries we asked',
      notavailableforill: 'the libraries that hold it do not lend it',
      nonavailableforill: 'the libraries that hold it do not lend it',
      inuse: 'it is in use at the libraries that hold it',
      lost: 'it is missing at the libraries that hold it',
      damaged: 'it is too fragile or damaged to send',
      duplicate: 'it duplicates a request you already have with us',
      copyrightrestrictions: 'copyright does not allow it to be supplied',
      policyproblem: 'the lending libraries’ rules do not allow it',
      charges: 'the charges would be too high',
    },
    unfilledOther: 'no library we asked could supply it',
    cancelledBySupplier: 'the lending library cancelled it',
  },
};
