// Command-line arguments shared by the benchmark scripts.

/// Takes `--rounds N` out of `args` (anywhere in it) and returns N, or
/// `fallback` when it is not given. Exits with a usage error when N is not
/// a whole number above zero.
export function takeRounds(args, fallback) {
  const at = args.indexOf("--rounds");
  if (at < 0) return fallback;
  const rounds = Number(args.splice(at, 2)[1]);
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error("--rounds needs a whole number above zero");
    process.exit(2);
  }
  return rounds;
}
