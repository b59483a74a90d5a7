using System.Security.Cryptography;

namespace Monitoring.Events;

/// <summary>ULID-style ids: 26 Crockford base32 characters, 48-bit millisecond time then 80 random bits (sortable by time).</summary>
public static class EventIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string NewId() => NewId(DateTimeOffset.UtcNow);

    public static string NewId(DateTimeOffset time)
    {
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        UInt128 value = (UInt128)(ulong)(time.ToUnixTimeMilliseconds() & 0xFFFF_FFFF_FFFF) << 80;
        for (int i = 0; i < 10; i++) value |= (UInt128)random[i] << (8 * (9 - i));
        Span<char> chars = stackalloc char[26];
        for (int i = 25; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }
        return new string(chars);
    }
}
