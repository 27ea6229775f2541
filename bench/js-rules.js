// The import rules of ../../shared/spec/import-rules.md written in plain
// JavaScript, for the benchmark only: what a typical importer runs after
// Papa Parse. Same work as the app's check for a template-shaped file:
// header mapping with aliases, required names, email syntax, phone
// normalization, extension, text lengths, last-row-wins duplicates, blank
// rows. It does not write an error file.
(function (global) {
  "use strict";
  const ALIASES = {
    first_name: ["firstname", "first", "givenname", "fname"],
    last_name: ["lastname", "last", "surname", "familyname", "lname"],
    email: ["email", "emailaddress", "mail"],
    extension: ["extension", "ext", "extensionnumber"],
    mobile_number: ["mobilenumber", "mobile", "mobilephone", "cell", "cellphone"],
    job_title: ["jobtitle", "title"],
    department: ["department", "dept"],
  };
  const normalizeHeader = (h) => h.toLowerCase().replace(/[\s_.\-]/g, "");
  const FORBIDDEN = /[<>"\\/%#]/;
  const CONTROL = /[\u0000-\u001f\u007f]/;
  const LETTER = /\p{L}/u;
  const LOCAL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$/;
  const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
  const TLD = /^[A-Za-z]{2,}$/;
  const EXTENSION = /^[1-8][0-9]{1,5}$/;

  function checkName(v) {
    if (v === "") return "required";
    const chars = [...v].length;
    if (chars > 50) return "too long";
    if (CONTROL.test(v)) return "control character";
    if (FORBIDDEN.test(v)) return "forbidden character";
    if (!LETTER.test(v)) return "no letter";
    return null;
  }

  function checkEmail(v) {
    if (v === "") return "required";
    if (v.length > 254) return "too long";
    const at = v.indexOf("@");
    if (at < 0 || v.indexOf("@", at + 1) >= 0) return "one @";
    const local = v.slice(0, at);
    const domain = v.slice(at + 1);
    if (!LOCAL.test(local) || local.startsWith(".") || local.endsWith(".") || local.includes("..")) return "local part";
    const labels = domain.split(".");
    if (labels.length < 2) return "domain";
    for (const l of labels) if (!LABEL.test(l)) return "domain label";
    if (!TLD.test(labels[labels.length - 1])) return "top-level domain";
    return null;
  }

  function normalizePhone(v) {
    const s = v.replace(/[\s\-.()]/g, "");
    if (s.startsWith("+")) {
      const d = s.slice(1);
      return /^[1-9][0-9]{7,14}$/.test(d) ? "+" + d : null;
    }
    if (/^[2-9][0-9]{9}$/.test(s)) return "+1" + s;
    if (/^1[0-9]{10}$/.test(s)) return "+" + s;
    return null;
  }

  function unguard(v) {
    return v.length > 1 && v[0] === "'" && "=+-@\t\r".includes(v[1]) ? v.slice(1) : v;
  }

  // rows: array of arrays (Papa Parse's `data`); returns the counts.
  function checkRows(rows) {
    const header = rows[0] || [];
    const col = {};
    header.forEach((h, i) => {
      const n = normalizeHeader(h);
      for (const key in ALIASES) if (n === key.replace("_", "") || ALIASES[key].includes(n)) col[key] = i;
    });
    const lastRowOf = new Map();
    const accepted = [];
    const errors = [];
    const emails = [];
    let blank = 0;
    // Papa Parse gives the end of the last line as one more, empty record.
    const end = rows.length > 1 && rows[rows.length - 1].length === 1 && rows[rows.length - 1][0] === "" ? rows.length - 1 : rows.length;
    for (let r = 1; r < end; r++) {
      const row = rows[r];
      if (row.every((c) => c.trim() === "")) { blank++; continue; }
      const cell = (k) => (col[k] === undefined ? "" : unguard((row[col[k]] || "").trim()));
      const user = {
        first_name: cell("first_name"), last_name: cell("last_name"),
        email: cell("email").toLowerCase(), extension: cell("extension"),
        mobile_number: cell("mobile_number"), job_title: cell("job_title"), department: cell("department"),
      };
      const problems = [];
      let p;
      if ((p = checkName(user.first_name))) problems.push(["First Name", p]);
      if ((p = checkName(user.last_name))) problems.push(["Last Name", p]);
      const emailProblem = checkEmail(user.email);
      if (emailProblem) problems.push(["Email", emailProblem]);
      if (user.extension !== "" && !EXTENSION.test(user.extension)) problems.push(["Extension", "invalid"]);
      if (user.mobile_number !== "") {
        const e164 = normalizePhone(user.mobile_number);
        if (e164 === null) problems.push(["Mobile Number", "invalid"]); else user.mobile_number = e164;
      }
      if ([...user.job_title].length > 100 || CONTROL.test(user.job_title)) problems.push(["Job Title", "invalid"]);
      if ([...user.department].length > 100 || CONTROL.test(user.department)) problems.push(["Department", "invalid"]);
      const index = accepted.length;
      accepted.push(problems.length ? null : user);
      errors.push(problems);
      emails.push(emailProblem ? null : user.email);
      if (!emailProblem) lastRowOf.set(user.email, index);
    }
    let ok = 0, rejected = 0, superseded = 0;
    for (let i = 0; i < accepted.length; i++) {
      // Only rows with a valid email take part in last-row-wins.
      if (emails[i] !== null && lastRowOf.get(emails[i]) !== i) superseded++;
      else if (accepted[i]) ok++;
      else rejected++;
    }
    return { rows: accepted.length, blank, accepted: ok, rejected, superseded };
  }

  global.jsRules = { checkRows };
})(typeof window !== "undefined" ? window : globalThis);
