using System.Text;

namespace TokenPortal.Tests.Gateway;

/// <summary>Texts on which o200k's counts must match Microsoft.ML.Tokenizers': every script and kind of run we could think of.</summary>
internal static class O200kCorpus
{
    public static readonly string[] Written =
    [
        "The quick brown fox jumps over the lazy dog.",
        "It's what they'd said: we're sure you'll see, I'm told they've LEFT. IT'S DONE, WE'RE OFF, THEY'LL SEE, SHE'D GO, I'M IN, 'TIS",
        "don't Don't DON'T can'T 's 'S 'Ll 'lL 're 'rE x'sy Hello'LL O'Neill rock'n'roll",
        "CamelCaseIdentifier getHTTPResponseCode XMLHttpRequest iOS macOS McDonald's HTMLParser ABCdefGHIjkl",
        "for (int i = 0; i < n; i++) { sum += a[i] * b[i]; }\r\n\treturn sum;\r\n",
        "def main():\n    print(f\"{x!r:>10}\")  # comment\n\n\n    return [i**2 for i in range(10)]\n",
        "fn main() -> Result<(), Box<dyn Error>> { let v: Vec<u8> = vec![0xFF; 32]; println!(\"{:?}\", v); Ok(()) }",
        "SELECT u.id, COUNT(*) AS n FROM users u LEFT JOIN orders o ON o.user_id = u.id WHERE u.created_at >= '2024-01-01' GROUP BY 1;",
        "const f = async (x) => { await fetch(`/api/${x}?q=${encodeURIComponent(q)}`); }; // TODO",
        "<div class=\"a b\"><p>Hello&nbsp;&amp;&lt;world&gt;</p><br/></div>",
        "#include <stdio.h>\nint main(void){printf(\"%d\\n\",42);return 0;}",
        "{\"name\":\"Zoë\",\"escaped\":\"line\\nbreak \\\"quoted\\\" \\u00e9 \\\\ \\/\",\"n\":-1.5e+10,\"ok\":true,\"list\":[1,2,3],\"null\":null}",
        "12345678901234567890 3.14159265358979 1,234,567.89 0x1F2E3D 1e-9 2024-06-01T12:34:56.789Z +1 (555) 010-9999",
        "٠١٢٣٤٥٦٧٨٩ ०१२३४५६७८९ ①②③ ½ ¾ Ⅻ 𝟘𝟙𝟚 ３４５",
        "   leading and trailing   ",
        "\t\ttabs\tand  double  spaces\r\n\r\n\r\nwindows lines\n\n\nunix lines\r\r old mac \u000b\u000c",
        " \n \n  \n\t\n ",
        "中文分词测试：我们今天去公园散步，天气很好。日本語のテキストもあります。한국어 문장도 있습니다.",
        "العربية لغة جميلة، وهي مكتوبة من اليمين إلى اليسار. مرحبا بالعالم!",
        "हिन्दी में लिखा गया वाक्य। नमस्ते दुनिया! क्षत्रिय श्री",
        "Ελληνικά κείμενα και Русский текст, українська мова, ภาษาไทย, עברית, ქართული, Հայերեն",
        "Combining: e\u0301 a\u0308 n\u0303 Z\u0351\u0352\u0353a\u0354\u0355l\u0356\u0357g\u0358o\u0359 \u0301\u0302 alone",
        "Emoji: 😀 😃😄 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 🇫🇷🇯🇵🇺🇸 ❤️ ✔︎ 1️⃣ 🧑🏿‍🚀 🫠",
        "Lone surrogates: \ud800 x\udfff y \ud83d\ud83d z\ude00\ude00",
        "Controls: \u0000\u0001\u0002\u0007\u001b[31mred\u001b[0m \u007f \u0085 \u200b\u200c\u200d\u2060\ufeff",
        "Replacement: \ufffd \ufffd\ufffd a\ufffdb \uffff \ufffe \uE000 \U0010FFFF",
        "Base64: SGVsbG8sIFdvcmxkIQ== iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
        "URLs: https://example.com/path/to/page?query=1&other=two#frag http://user:pass@host:8080/a/b/c/ ftp://files.example.org/pub/",
        "path/to/some/file.txt C:\\Users\\name\\Documents\\file.docx ../../relative/./path //double//slashes///",
        "Punctuation!!! ??? ... --- ___ *** ### @@@ $$$ %%% ^^^ &&& ((( ))) [[[ ]]] {{{ }}} ||| ;;; ::: ,,, ''' \"\"\" ``` ~~~",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "ababababababababababababab abcabcabcabcabc zzzzzzzzzzzz 1111111111111 !!!!!!!!!!!!!!!!!",
        "Mixed: naïve café résumé façade coöperate Straße ǅemal ǈ ǋ ﬁ ﬂ Ⅻ ㎏ ㍻",
        "\u00a0\u2000\u2001\u2002\u2003\u2028\u2029\u3000 unusual spaces\u00a0here",
        "Math: ∑_{i=1}^{n} x_i² ≤ √(n·∑x_i²) ∀ε>0 ∃δ>0 ∫₀^∞ e^{-x²} dx = √π/2 ≠ ∞ ≈ ≡ ⊂ ⊆ ∈ ∉",
        "Currency: $100 €200 £300 ¥400 ₹500 ₿0.001 ¢ ₩ ₽",
    ];

    /// <summary>Strings of code points from many scripts and from nowhere (lone surrogates, controls, noncharacters).</summary>
    public static IEnumerable<string> RandomUnicode(int seed, int count)
    {
        (int From, int To)[] ranges =
        [
            (0x20, 0x7F), (0x20, 0x7F), (0x00, 0x20), (0x80, 0x250), (0x300, 0x370), (0x370, 0x530), (0x590, 0x700),
            (0x900, 0x980), (0xE00, 0xE80), (0x1100, 0x1200), (0x2000, 0x2070), (0x2190, 0x2400), (0x3000, 0x3100),
            (0x4E00, 0x9FFF), (0xAC00, 0xD7A4), (0xD800, 0xE000), (0xE000, 0xE100), (0xFB00, 0xFB50), (0xFE00, 0xFE10),
            (0xFF00, 0xFFFF + 1), (0x1D400, 0x1D800), (0x1F1E6, 0x1F200), (0x1F300, 0x1FB00), (0x20000, 0x20100),
            (0xE0000, 0xE0080), (0x10FF00, 0x110000),
        ];
        char[] joiners = [' ', ' ', '\n', '\t', '\r', '\u200d', '\ufe0f', '\'', '_', '/'];
        var random = new Random(seed);
        for (var n = 0; n < count; n++)
        {
            var text = new StringBuilder();
            var length = random.Next(1, 48);
            var favourite = ranges[random.Next(ranges.Length)];
            while (text.Length < length)
            {
                var (from, to) = random.Next(3) == 0 ? ranges[random.Next(ranges.Length)] : favourite;
                var codePoint = random.Next(from, to);
                if (random.Next(8) == 0)
                    text.Append(joiners[random.Next(joiners.Length)]);
                else if (codePoint is >= 0xD800 and < 0xE000)
                    text.Append((char)codePoint); // a lone surrogate
                else
                    text.Append(char.ConvertFromUtf32(codePoint));
            }
            yield return text.ToString();
        }
    }

    /// <summary>Random bytes read as Latin-1 (every char below 256) and as UTF-8 (mostly replacement characters).</summary>
    public static IEnumerable<string> RandomBytes(int seed, int count)
    {
        var random = new Random(seed);
        for (var n = 0; n < count; n++)
        {
            var bytes = new byte[random.Next(1, 40)];
            random.NextBytes(bytes);
            yield return n % 2 == 0 ? Encoding.Latin1.GetString(bytes) : Encoding.UTF8.GetString(bytes);
        }
    }

    /// <summary>Base64 of random bytes, hex, and URLs with random paths and queries.</summary>
    public static IEnumerable<string> RandomEncoded(int seed, int count)
    {
        var random = new Random(seed);
        for (var n = 0; n < count; n++)
        {
            var bytes = new byte[random.Next(1, 48)];
            random.NextBytes(bytes);
            yield return (n % 3) switch
            {
                0 => Convert.ToBase64String(bytes),
                1 => Convert.ToHexString(bytes).ToLowerInvariant(),
                _ => $"https://{Word(random)}.example.com/{Word(random)}/{Word(random)}?{Word(random)}={random.Next()}&id={Convert.ToHexString(bytes, 0, Math.Min(4, bytes.Length))}",
            };
        }

        static string Word(Random random) => new(Enumerable.Range(0, random.Next(1, 12)).Select(_ => (char)random.Next('a', 'z' + 1)).ToArray());
    }

    /// <summary>Random words of ASCII letters, digits and punctuation in random case, joined by random whitespace.</summary>
    public static IEnumerable<string> RandomAscii(int seed, int count)
    {
        const string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.,;:!?-_/\\\"()[]{}<>@#$%^&*+=|~` \t\r\n";
        var random = new Random(seed);
        for (var n = 0; n < count; n++)
            yield return new string(Enumerable.Range(0, random.Next(1, 40)).Select(_ => letters[random.Next(letters.Length)]).ToArray());
    }

    public static IEnumerable<string> All() =>
        Written.Concat(RandomUnicode(1, 4000)).Concat(RandomBytes(2, 1000)).Concat(RandomEncoded(3, 600)).Concat(RandomAscii(4, 2000));
}
