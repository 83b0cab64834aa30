// RFC 9110 section 5.6.7: a recipient accepts all three HTTP-date forms and reads them as UTC.
// Date.parse is not used: it reads the asctime form in local time and accepts much that is
// not an HTTP-date.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

// Sun, 06 Nov 1994 08:49:37 GMT
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
// Sunday, 06-Nov-94 08:49:37 GMT
const RFC850_DATE = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
// Sun Nov  6 08:49:37 1994
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * An HTTP-date (IMF-fixdate, obsolete RFC 850 or asctime form) as epoch milliseconds, or
 * undefined when `value` is none of them or names no real calendar date.
 * `nowMs` resolves RFC 850's two-digit year: one more than 50 years ahead means the past century.
 */
export function parseHttpDate(value: string, nowMs: number = Date.now()): number | undefined {
  let match = IMF_FIXDATE.exec(value);
  if (match !== null) return utc(+match[3]!, match[2]!, +match[1]!, match[4]!, match[5]!, match[6]!);
  match = RFC850_DATE.exec(value);
  if (match !== null) {
    const thisYear = new Date(nowMs).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + Number(match[3]);
    if (year > thisYear + 50) year -= 100;
    return utc(year, match[2]!, +match[1]!, match[4]!, match[5]!, match[6]!);
  }
  match = ASCTIME_DATE.exec(value);
  if (match !== null) return utc(+match[6]!, match[1]!, +match[2]!.trim(), match[3]!, match[4]!, match[5]!);
  return undefined;
}

function utc(year: number, month: string, day: number, hh: string, mm: string, ss: string): number | undefined {
  const monthIndex = MONTHS.indexOf(month);
  const hours = +hh;
  const minutes = +mm;
  const seconds = +ss;
  // 60 is allowed for a leap second; Date.UTC rolls it into the next minute.
  if (hours > 23 || minutes > 59 || seconds > 60 || day < 1) return undefined;
  const ms = Date.UTC(year, monthIndex, day, hours, minutes, seconds);
  // Reject 31 Feb and the like instead of letting Date roll them over.
  if (new Date(ms).getUTCDate() !== day && seconds !== 60) return undefined;
  return ms;
}
