using System;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace ResponseCache.Core;

/// <summary>
/// A double as ECMAScript's Number.prototype.toString writes it (ECMA-262 7.1.12.1), the number form of RFC 8785: the
/// fewest digits that read back as the same double, the closest of them to its exact value, in plain notation from
/// 1e-6 up to 1e21 and in exponent notation (1e+21, 5e-324) outside. Computed exactly with big integers (Burger and
/// Dybvig's free-format algorithm), because .NET Framework's "R" is not always the shortest and not always right, and
/// a key must be the same text in Windows PowerShell and PowerShell 7.
/// </summary>
internal static class EcmaScriptNumber
{
    private const int MantissaBits = 52;
    private const int ExponentBias = 1075;

    public static string Format(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "JSON has no form for NaN or infinity.");
        }

        if (value == 0)
        {
            return "0";
        }

        string digits = ShortestDigits(Math.Abs(value), out int pointPosition);
        string text = Layout(digits, pointPosition);
        return value < 0 ? "-" + text : text;
    }

    // The digits d1d2…dk and n such that the value reads back from 0.d1d2…dk × 10^n.
    private static string ShortestDigits(double value, out int pointPosition)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        int biasedExponent = (int)((bits >> MantissaBits) & 0x7FF);
        long fraction = bits & ((1L << MantissaBits) - 1);
        BigInteger mantissa = biasedExponent == 0 ? fraction : fraction | (1L << MantissaBits);
        int exponent = biasedExponent == 0 ? 1 - ExponentBias : biasedExponent - ExponentBias;

        // value = r / s; the doubles next to it lie at (r ± m) / s, or r - mMinus below a power of two, where the gap
        // below is half the gap above.
        bool unevenGaps = fraction == 0 && biasedExponent > 1;
        BigInteger r, s, mPlus, mMinus;
        if (exponent >= 0)
        {
            BigInteger gap = BigInteger.Pow(2, exponent);
            r = mantissa * gap * (unevenGaps ? 4 : 2);
            s = unevenGaps ? 4 : 2;
            mPlus = unevenGaps ? gap * 2 : gap;
            mMinus = gap;
        }
        else
        {
            r = mantissa * (unevenGaps ? 4 : 2);
            s = BigInteger.Pow(2, -exponent) * (unevenGaps ? 4 : 2);
            mPlus = unevenGaps ? 2 : 1;
            mMinus = 1;
        }

        // Round-half-even reading: a value whose mantissa is even also owns the points halfway to its neighbours.
        bool boundsBelong = mantissa.IsEven;

        int k = (int)Math.Ceiling(Math.Log10(value) - 1e-10);
        if (k >= 0)
        {
            s *= BigInteger.Pow(10, k);
        }
        else
        {
            BigInteger scale = BigInteger.Pow(10, -k);
            r *= scale;
            mPlus *= scale;
            mMinus *= scale;
        }

        while (ReachesHigh(r + mPlus, s, boundsBelong))
        {
            s *= 10;
            k++;
        }

        while (!ReachesHigh((r + mPlus) * 10, s, boundsBelong))
        {
            r *= 10;
            mPlus *= 10;
            mMinus *= 10;
            k--;
        }

        var digits = new StringBuilder(17);
        while (true)
        {
            r *= 10;
            mPlus *= 10;
            mMinus *= 10;
            BigInteger digit = BigInteger.DivRem(r, s, out r);
            bool low = boundsBelong ? r <= mMinus : r < mMinus;
            bool high = ReachesHigh(r + mPlus, s, boundsBelong);
            if (!low && !high)
            {
                digits.Append((char)('0' + (int)digit));
                continue;
            }

            // The last digit: the nearer of digit and digit + 1 when both read back as the value, the even one at a tie.
            int twiceRemainder = (r * 2).CompareTo(s);
            bool up = high && (!low || twiceRemainder > 0 || (twiceRemainder == 0 && !digit.IsEven));
            digits.Append((char)('0' + (int)digit + (up ? 1 : 0)));
            break;
        }

        pointPosition = k;
        return digits.ToString();
    }

    private static bool ReachesHigh(BigInteger upper, BigInteger s, bool boundsBelong) =>
        boundsBelong ? upper >= s : upper > s;

    // ECMA-262 Number::toString steps 6 to 10, with k digits and the point after n of them.
    private static string Layout(string digits, int n)
    {
        int k = digits.Length;
        if (k <= n && n <= 21)
        {
            return digits + new string('0', n - k);
        }

        if (0 < n && n <= 21)
        {
            return digits.Substring(0, n) + "." + digits.Substring(n);
        }

        if (-6 < n && n <= 0)
        {
            return "0." + new string('0', -n) + digits;
        }

        int e = n - 1;
        string exponent = (e < 0 ? "-" : "+") + Math.Abs(e).ToString(CultureInfo.InvariantCulture);
        return k == 1 ? digits + "e" + exponent : digits.Substring(0, 1) + "." + digits.Substring(1) + "e" + exponent;
    }
}
