/**
 * Patron mail in German, as German libraries write to their users: "Sie", "Guten Tag" (the name
 * alone tells no gender to choose "Frau"/"Herr" by), the first word after the salutation in
 * lower case, "Mit freundlichen Grüßen" without a comma. The item stands after a colon, never
 * inside a sentence: "das Medium mit der ISBN …" would need another case in many places.
 */
import type { MailWording } from './wording';

const PLACE = '{{pickupLocation}}{{#if pickupLocationAddress}} ({{pickupLocationAddress}}){{/if}}';
const PICKUP = `{{#if pickupLocation}} Abholort: ${PLACE}.{{/if}}`;
const BY_DUE_DATE = '{{#if dueDate}}bis {{dueDate}}{{else}}so bald wie möglich{{/if}}';

export const de: MailWording = {
  greeting: '{{#if patronName}}Guten Tag {{patronName}},{{else}}Guten Tag,{{/if}}',
  closing: 'Mit freundlichen Grüßen',
  department: 'Fernleihe',
  referenceLabel: 'Ihre Bestellnummer',
  statusLink: 'Stand Ihrer Bestellung',
  notices: {
    request_received: {
      subject: 'Ihre Fernleihbestellung ist eingegangen: {{item}}',
      paragraphs: [
        'wir haben Ihre Fernleihbestellung erhalten: {{item}}.{{#if neededBy}} Sie benötigen den Titel bis {{neededBy}}.{{/if}}',
        'Wir fragen nun bei anderen Bibliotheken an und melden uns wieder, sobald der Titel zu uns unterwegs ist.',
      ],
    },
    shipped: {
      subject: 'Unterwegs zu uns: {{item}}',
      paragraphs: ['die liefernde Bibliothek hat Ihre Fernleihe an uns abgeschickt: {{item}}.', `Wir melden uns wieder, sobald sie für Sie zur Abholung bereitliegt.${PICKUP}`],
    },
    ready_for_pickup: {
      subject: 'Zur Abholung bereit: {{item}}',
      paragraphs: [`Ihre Fernleihe liegt zur Abholung für Sie bereit: {{item}}.${PICKUP}`, '{{#if dueDate}}Die Leihfrist endet am {{dueDate}}. {{/if}}Bitte bringen Sie Ihren Bibliotheksausweis mit.'],
    },
    due_soon: {
      subject: 'Leihfrist endet bald: {{item}}',
      paragraphs: [
        'die Leihfrist Ihrer Fernleihe endet am {{dueDate}}: {{item}}.',
        'Der Titel gehört einer anderen Bibliothek; bitte geben Sie ihn bis dahin zurück. Wenn Sie ihn länger benötigen, sprechen Sie uns bitte vor Ablauf der Leihfrist an: Wir bitten dann die liefernde Bibliothek um eine Verlängerung.',
      ],
    },
    overdue: {
      subject: 'Leihfrist überschritten: {{item}}',
      paragraphs: ['die Leihfrist Ihrer Fernleihe ist am {{dueDate}} abgelaufen: {{item}}.', 'Der Titel gehört einer anderen Bibliothek. Bitte geben Sie ihn so bald wie möglich zurück.'],
    },
    recalled: {
      subject: 'Bitte vorzeitig zurückgeben: {{item}}',
      paragraphs: ['die liefernde Bibliothek fordert Ihre Fernleihe vorzeitig zurück: {{item}}.', `Bitte geben Sie den Titel ${BY_DUE_DATE} zurück.`],
    },
    renewed: {
      subject: 'Verlängert: {{item}}',
      paragraphs: ['Ihre Fernleihe wurde verlängert: {{item}}.', '{{#if dueDate}}Die neue Leihfrist endet am {{dueDate}}.{{/if}}'],
    },
    renew_refused: {
      subject: 'Verlängerung nicht möglich: {{item}}',
      paragraphs: ['die liefernde Bibliothek konnte Ihre Fernleihe leider nicht verlängern: {{item}}.', `Bitte geben Sie den Titel ${BY_DUE_DATE} zurück.`],
    },
    cancelled: {
      subject: 'Storniert: {{item}}',
      paragraphs: ['Ihre Fernleihbestellung wurde storniert: {{item}}.{{#if reason}} Grund: {{reason}}.{{/if}}', 'Wenn Sie den Titel weiterhin benötigen, wenden Sie sich bitte an uns.'],
    },
    unfilled: {
      subject: 'Leider nicht lieferbar: {{item}}',
      paragraphs: [
        'leider konnten wir Ihre Fernleihbestellung nicht erfüllen: {{item}}.{{#if reason}} Grund: {{reason}}.{{/if}}',
        'Wenn wir es auf einem anderen Weg versuchen sollen, wenden Sie sich bitte an uns.',
      ],
    },
    delivered: {
      subject: 'Ihre Kopie wurde geliefert: {{item}}',
      paragraphs: [`die von Ihnen bestellte Kopie wurde geliefert: {{item}}.{{#if pickupLocation}} Lieferort: ${PLACE}.{{/if}}`],
    },
    filled_locally: {
      subject: 'In unserem eigenen Bestand: {{item}}',
      paragraphs: [
        'der bestellte Titel ist in unserem eigenen Bestand vorhanden: {{item}}.',
        `Wir müssen ihn daher nicht von einer anderen Bibliothek entleihen und legen ein Exemplar für Sie zur Abholung bereit.${PICKUP} Bitte bringen Sie Ihren Bibliotheksausweis mit.`,
      ],
    },
  },
  signInLink: {
    subject: 'Ihr Anmeldelink: {{libraryName}}',
    greeting: 'Guten Tag,',
    intro: 'Sie möchten sich bei der Fernleihe anmelden ({{libraryName}}). Mit diesem Link melden Sie sich an:',
    button: 'Anmelden',
    validity: 'Der Link ist {{expiry}} lang gültig und kann nur einmal verwendet werden.',
    unasked: 'Wenn Sie ihn nicht angefordert haben, können Sie diese E-Mail einfach ignorieren: Ohne den Link kann sich niemand anmelden.',
  },
  item: {
    // As German catalogues and citations write it: author, colon, title.
    titleByAuthor: (title, author) => `${author}: ${title}`,
    articleInJournal: (article, journal) => `„${article}“ in: ${journal}`,
    article: (article) => `„${article}“`,
    byNumber: (kind, number) => `das Medium mit der ${kind} ${number}`,
    unknown: 'das von Ihnen bestellte Medium',
  },
  reasons: {
    unfilled: {
      notheld: 'keine der angefragten Bibliotheken hat den Titel im Bestand',
      notonshelf: 'der Titel war in den angefragten Bibliotheken nicht am Standort',
      notavailableforill: 'die besitzenden Bibliotheken geben den Titel nicht in die Fernleihe',
      nonavailableforill: 'die besitzenden Bibliotheken geben den Titel nicht in die Fernleihe',
      inuse: 'der Titel ist in den besitzenden Bibliotheken ausgeliehen',
      lost: 'der Titel wird in den besitzenden Bibliotheken vermisst',
      damaged: 'der Titel ist zu empfindlich oder zu beschädigt für den Versand',
      duplicate: 'Sie haben diesen Titel bereits bei uns bestellt',
      copyrightrestrictions: 'das Urheberrecht erlaubt keine Lieferung',
      policyproblem: 'die Regeln der liefernden Bibliotheken lassen es nicht zu',
      charges: 'die Kosten wären zu hoch',
    },
    unfilledOther: 'keine der angefragten Bibliotheken konnte den Titel liefern',
    cancelledBySupplier: 'die liefernde Bibliothek hat die Bestellung storniert',
  },
};
