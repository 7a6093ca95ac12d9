using ELicense.Core.Credentials;
using SharpFuzz;

namespace ELicense.CredentialFuzz;

/// <summary>
/// AFL++ harness (SharpFuzz out-of-process fork server) for Core's one credential decoder,
/// <see cref="CredentialDecoder{TClaims}.Verify(string?)"/>, which the server and the handheld both run,
/// for the driving licence (default) or the inspection mark (<c>--mark</c>). Each input is tried twice:
/// as the scanned QR text (UTF-8), and as raw COSE bytes behind the document's prefix in Base45. A
/// finding is an exception escaping Verify, an inconsistent verdict, or a Genuine verdict for anything
/// but the seed. <c>--replay DIR</c> runs every file of a corpus through both decoders without AFL (the
/// test run's smoke check). See ../README.md.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        switch (args)
        {
            case ["--issue-seed"]:
                // Paste into FuzzSetup.SeedPayload and corpus/valid-credential.txt.
                Console.Write(FuzzSetup.IssueLicenseSeed());
                return 0;
            case ["--issue-mark-seed"]:
                // Paste into FuzzSetup.MarkSeedPayload and corpus/valid-mark.txt.
                Console.Write(FuzzSetup.IssueMarkSeed());
                return 0;
            case ["--replay", var directory]:
                return Replay(directory);
            case [] or ["--mark"]:
                Fuzz(mark: args is ["--mark"]);
                return 0;
            default:
                Console.Error.WriteLine("usage: elicense-credential-fuzz [--mark | --replay DIR | --issue-seed | --issue-mark-seed]");
                return 2;
        }
    }

    private static FuzzTarget<CredentialClaims> LicenseTarget() =>
        new FuzzTarget<CredentialClaims>(LicenseDocument.Instance, FuzzSetup.LicensePolicy, FuzzSetup.SeedPayload, c => c.Encode());

    private static FuzzTarget<InspectionMarkClaims> MarkTarget() =>
        new FuzzTarget<InspectionMarkClaims>(InspectionMarkDocument.Instance, FuzzSetup.MarkPolicy, FuzzSetup.MarkSeedPayload, c => c.Encode());

    private static void Fuzz(bool mark)
    {
        // Nothing from the instrumented assemblies may run before Fuzzer.OutOfProcess.Run: SharpFuzz
        // attaches the AFL++ coverage map there, and instrumented code running earlier writes through a
        // null map pointer (AccessViolationException). So the target is built on the first input.
        IFuzzTarget? target = null;
        Fuzzer.OutOfProcess.Run(stream =>
        {
            target ??= mark ? MarkTarget() : LicenseTarget();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Run(buffer.ToArray());
        });
    }

    /// <summary>Every file of <paramref name="directory"/> through both decoders; 1 and the file named at the first finding.</summary>
    private static int Replay(string directory)
    {
        IFuzzTarget[] targets = [LicenseTarget(), MarkTarget()];
        var files = Directory.GetFiles(directory).Order(StringComparer.Ordinal).ToArray();
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            try
            {
                foreach (var target in targets)
                {
                    target.Run(bytes);
                }
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"{file}: {e}");
                return 1;
            }
        }

        Console.WriteLine($"{files.Length} inputs replayed through the licence and mark decoders: no finding.");
        return 0;
    }
}
