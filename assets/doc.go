// Package assets owns the photos: the pipeline that turns an upload into the
// two JPEGs the product shows (a display image and a square grid thumbnail),
// and the blob store they are kept in.
//
// The pipeline is written for a small machine taking bursts of nine-photo
// cards. It trusts no upload: the type is sniffed from the bytes, and the
// dimensions are checked and the memory the decode will take is estimated
// and admitted against a fixed budget before a single pixel is decoded.
// Every output is re-encoded so no metadata (EXIF, GPS, XMP, ICC)
// survives, but what the metadata changes in how a browser shows the
// photo is applied first: the orientation (JPEG EXIF, PNG eXIf) and the
// colour profile (converted to sRGB). Most of its time goes to
// image/jpeg's decoder, so everything after the decode works on the 8-bit
// Y, Cb and Cr planes directly instead of converting the full-size photo
// to RGBA: a 2×2 box pre-shrink, a fixed-point separable resampler, and
// the orientation and colour conversion applied to the small outputs only.
//
// Photos live behind the BlobStore interface: on local disk now, in an
// S3-compatible store once there is more than one node.
package assets
