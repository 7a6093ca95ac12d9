using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ELicense.Testing;

/// <summary>
/// One Redis command on a fresh loopback connection to one node, with a bound: the fixture's own channel for
/// INFO, CLUSTER and CLIENT commands, independent of StackExchange.Redis (whose routing would send a command to
/// whichever node owns a slot, not to the node the test means). Replies: simple strings, errors (thrown as
/// <see cref="RedisClusterReplyException"/>), integers and bulk strings as text; arrays are joined by newlines.
/// </summary>
internal static class RedisClusterResp
{
    public static async Task<string> SendAsync(int port, TimeSpan timeout, CancellationToken cancellationToken, params string[] args)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, bound.Token);
        var stream = client.GetStream();
        var request = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{args.Length}\r\n");
        foreach (var arg in args)
        {
            request.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(arg)}\r\n{arg}\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), bound.Token);
        var reader = new Reader(stream);
        return await reader.ReadReplyAsync(bound.Token);
    }

    private sealed class Reader(NetworkStream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public async Task<string> ReadReplyAsync(CancellationToken cancellationToken)
        {
            var line = await ReadLineAsync(cancellationToken);
            var body = line[1..];
            switch (line[0])
            {
                case '+':
                case ':':
                    return body;
                case '-':
                    throw new RedisClusterReplyException(body);
                case '$':
                    var length = int.Parse(body, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                    return length < 0 ? "" : Encoding.UTF8.GetString(await ReadExactAsync(length + 2, cancellationToken), 0, length);
                case '*':
                    var count = int.Parse(body, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                    var items = new List<string>();
                    for (var i = 0; i < count; i++)
                    {
                        items.Add(await ReadReplyAsync(cancellationToken));
                    }

                    return string.Join('\n', items);
                default:
                    throw new InvalidOperationException($"Unexpected Redis reply: {line}");
            }
        }

        private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline > _start && _buffer[newline - 1] == '\r')
                {
                    var text = Encoding.UTF8.GetString(_buffer, _start, newline - 1 - _start);
                    _start = newline + 1;
                    return text;
                }

                await FillAsync(cancellationToken);
            }
        }

        private async Task<byte[]> ReadExactAsync(int count, CancellationToken cancellationToken)
        {
            var result = new byte[count];
            var copied = 0;
            while (copied < count)
            {
                if (_start == _end)
                {
                    await FillAsync(cancellationToken);
                }

                var take = Math.Min(count - copied, _end - _start);
                Array.Copy(_buffer, _start, result, copied, take);
                _start += take;
                copied += take;
            }

            return result;
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new InvalidOperationException("A Redis reply line is longer than the fixture's buffer.");
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                throw new IOException("The Redis node closed the connection before replying.");
            }

            _end += read;
        }
    }
}

/// <summary>An error reply (<c>-ERR ...</c>, <c>-MOVED ...</c>) from a node, with its text.</summary>
public sealed class RedisClusterReplyException(string message) : Exception(message);
