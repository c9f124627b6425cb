using System;
using System.Globalization;
using System.Management.Automation;

namespace PureCloudLicense.Commands
{
    /// <summary>
    /// Lets a TimeSpan parameter take a plain number as seconds. PowerShell would otherwise read 600 as 600 ticks
    /// (60 microseconds), which no one means.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SecondsToTimeSpanAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case int i:
                    return TimeSpan.FromSeconds(i);
                case long l:
                    return TimeSpan.FromSeconds(l);
                case double d:
                    return TimeSpan.FromSeconds(d);
                case decimal m:
                    return TimeSpan.FromSeconds((double)m);
                case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds):
                    return TimeSpan.FromSeconds(seconds);
                default:
                    return inputData;
            }
        }
    }
}
