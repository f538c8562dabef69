using System.Text.Json.Serialization;

namespace Interlock.Tests;

[JsonSerializable(typeof(string))]
internal sealed partial class JsonStrings : JsonSerializerContext;
